import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { DatasetRef } from "../../db/datasets";
import { errorResponses } from "../../errors";
import { updateDataset } from "../../services/datasets";
import { json, jsonBody } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DatasetIdParams, DatasetUpdate, OwnerDatasetParams, UpdateDatasetResponse } from "./schemas";

export const { byOwner: updateDatasetRoute, byId: updateDatasetByIdRoute } = pairedRoutes(
  {
    method: "patch",
    tags: ["Datasets"],
    summary: "Update a dataset",
    description:
      "Updates dataset properties. Changing the display name also changes the dataset name used in URLs. `{starred}` alone stars or unstars.",
    request: { body: jsonBody(DatasetUpdate) },
    responses: { 200: json(UpdateDatasetResponse, "Dataset updated"), ...errorResponses(400, 401, 403, 404, 409, 429) },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}",
      operationId: "patch_api_datasets_owner_dataset",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}",
      operationId: "patch_api_datasets_datasetId",
      request: { params: DatasetIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: DatasetRef, body: typeof DatasetUpdate._output) {
  const { dataset, slug, ...rest } = body;
  const result = await updateDataset(c.var.deps, c.var.actor, ref, { ...rest, slug: dataset ?? slug });
  return c.json({ success: true as const, dataset: result.slug }, 200);
}

export const handleUpdateDataset: AppHandler<typeof updateDatasetRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  return answer(c, { owner, slug: dataset }, c.req.valid("json"));
};

export const handleUpdateDatasetById: AppHandler<typeof updateDatasetByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").datasetId }, c.req.valid("json"));
