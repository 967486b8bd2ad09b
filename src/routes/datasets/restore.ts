import { z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { restoreVersion } from "../../services/dataset-versions";
import { json, jsonBody } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DatasetIdParams, OwnerDatasetParams } from "./schemas";

export const RestoreBody = z.object({ version: z.number().int().positive() });
export const RestoreResponse = z
  .object({ version: z.number().int().positive(), imageCount: z.number().int().min(0) })
  .openapi("RestoreDatasetVersionResponse");

export const { byOwner: restoreRoute, byId: restoreByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Datasets"],
    summary: "Restore a dataset version",
    description:
      "Makes the dataset's images, labels, splits and classes those of `version` again; the images added since go. The version itself stays as it was.",
    request: { body: jsonBody(RestoreBody) },
    responses: { 200: json(RestoreResponse, "Restored"), ...errorResponses(400, 401, 403, 404, 409, 429) },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}/restore",
      operationId: "post_api_datasets_owner_dataset_restore",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}/restore",
      operationId: "post_api_datasets_datasetId_restore",
      request: { params: DatasetIdParams },
    },
  },
);

export const handleRestore: AppHandler<typeof restoreRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  const ref = { owner, slug: dataset };
  return c.json(await restoreVersion(c.var.deps, c.var.actor, ref, c.req.valid("json").version), 200);
};

export const handleRestoreById: AppHandler<typeof restoreByIdRoute> = async (c) => {
  const ref = { id: c.req.valid("param").datasetId };
  return c.json(await restoreVersion(c.var.deps, c.var.actor, ref, c.req.valid("json").version), 200);
};
