import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { DatasetRef } from "../../db/datasets";
import { errorResponses } from "../../errors";
import { classStats } from "../../services/class-stats";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DatasetIdParams, OwnerDatasetParams } from "./schemas";

const Bins = z.array(z.object({ bin: z.number(), count: z.number(), size: z.number().optional() }));
const Heatmap = z.object({ bins: z.array(z.array(z.number())), maxCount: z.number() });
export const ClassStatsResponse = z
  .object({
    classes: z.array(z.object({ classId: z.number(), count: z.number(), imageCount: z.number() })),
    imageStats: z.object({
      widthHistogram: Bins,
      heightHistogram: Bins,
      pointsHistogram: Bins,
      formatDistribution: z.record(z.string(), z.number()),
      fileSizeHistogram: Bins,
      objectsPerImageHistogram: Bins,
      bboxWidthHistogram: Bins,
      bboxHeightHistogram: Bins,
      bboxWidthNormHistogram: Bins,
      bboxHeightNormHistogram: Bins,
    }),
    locationHeatmap: Heatmap,
    dimensionHeatmap: Heatmap.extend({
      minWidth: z.number(),
      maxWidth: z.number(),
      minHeight: z.number(),
      maxHeight: z.number(),
    }),
    classNames: z.array(z.string()),
    cached: z.boolean(),
    sampleSize: z.number().nullable().optional(),
    sampled: z.boolean().optional().openapi({ description: "The docs' form: histograms come from a sample" }),
  })
  .openapi("DatasetClassStatsResponse");

export const { byOwner: classStatsRoute, byId: classStatsByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Datasets"],
    summary: "Get class statistics",
    description:
      "Exact label and image counts per class; width, height, size, format, objects-per-image, box and point histograms, box-centre and image-size heatmaps, from a sample of 20,000 images above that (`sampleSize`). Cached up to 5 minutes, and rebuilt sooner when the dataset changed.",
    responses: { 200: json(ClassStatsResponse, "Statistics"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}/class-stats",
      operationId: "get_api_datasets_owner_dataset_class_stats",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}/class-stats",
      operationId: "get_api_datasets_datasetId_class_stats",
      request: { params: DatasetIdParams },
    },
  },
);

/** The docs' form adds `sampled`; the contract's schema has no room for it. */
async function answer(c: Context<AppEnv>, ref: DatasetRef, docsForm: boolean) {
  const { stats, cached } = await classStats(c.var.deps, c.var.actor, ref);
  return c.json({ ...stats, cached, ...(docsForm ? { sampled: stats.sampleSize !== null } : {}) }, 200);
}

export const handleClassStats: AppHandler<typeof classStatsRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  return answer(c, { owner, slug: dataset }, false);
};

export const handleClassStatsById: AppHandler<typeof classStatsByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").datasetId }, true);
