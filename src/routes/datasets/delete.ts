import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { trashDataset } from "../../services/datasets";
import { json } from "../common/schemas";
import { DatasetIdParams, DeleteDatasetResponse, OwnerDatasetParams } from "./schemas";

const spec = {
  method: "delete" as const,
  tags: ["Datasets"],
  summary: "Delete a dataset",
  description: "Moves a dataset to trash for 30 days.",
  responses: { 200: json(DeleteDatasetResponse, "Dataset moved to trash"), ...errorResponses(400, 401, 403, 404, 429) },
};

export const deleteDatasetRoute = createRoute({
  ...spec,
  path: "/api/datasets/{owner}/{dataset}",
  operationId: "delete_api_datasets_owner_dataset",
  request: { params: OwnerDatasetParams },
});
export const deleteDatasetByIdRoute = createRoute({
  ...spec,
  path: "/api/datasets/{datasetId}",
  operationId: "delete_api_datasets_datasetId",
  request: { params: DatasetIdParams },
});

export const handleDeleteDataset: AppHandler<typeof deleteDatasetRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  await trashDataset(c.var.deps, c.var.actor, { owner, slug: dataset });
  return c.json({ success: true as const }, 200);
};

export const handleDeleteDatasetById: AppHandler<typeof deleteDatasetByIdRoute> = async (c) => {
  await trashDataset(c.var.deps, c.var.actor, { id: c.req.valid("param").datasetId });
  return c.json({ success: true as const }, 200);
};
