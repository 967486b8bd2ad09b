import { z } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { redistributeSplits } from "../../services/dataset-edits";
import { json, jsonBody } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DatasetIdParams, OwnerDatasetParams } from "./schemas";

const Percent = z.number().int().min(0).max(100);
export const RedistributeBody = z.object({ train: Percent, val: Percent, test: Percent });
const Count = z.number().int().min(0);
export const RedistributeResponse = z
  .object({
    success: z.literal(true),
    splits: z.object({ train: Count, val: Count, test: Count }),
    modified: Count,
  })
  .openapi("RedistributeDatasetSplitsResponse");

export const { byOwner: redistributeRoute, byId: redistributeByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Datasets"],
    summary: "Redistribute splits",
    description:
      "Reassigns every image to train, val and test at random in these percentages (adding up to 100); images sharing a file name never share a split. Browser session only.",
    request: { body: jsonBody(RedistributeBody) },
    responses: { 200: json(RedistributeResponse, "Redistributed"), ...errorResponses(400, 401, 403, 404, 409, 429) },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}/splits/redistribute",
      operationId: "post_api_datasets_owner_dataset_splits_redistribute",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}/splits/redistribute",
      operationId: "post_api_datasets_datasetId_splits_redistribute",
      request: { params: DatasetIdParams },
    },
  },
);

export const handleRedistribute: AppHandler<typeof redistributeRoute, SignedInActor> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  const done = await redistributeSplits(c.var.deps, c.var.actor, { owner, slug: dataset }, c.req.valid("json"));
  return c.json({ success: true as const, ...done }, 200);
};

export const handleRedistributeById: AppHandler<typeof redistributeByIdRoute, SignedInActor> = async (c) => {
  const ref = { id: c.req.valid("param").datasetId };
  const done = await redistributeSplits(c.var.deps, c.var.actor, ref, c.req.valid("json"));
  return c.json({ success: true as const, ...done }, 200);
};
