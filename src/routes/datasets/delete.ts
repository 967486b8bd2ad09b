import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { trashDataset } from "../../services/datasets";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DatasetIdParams, DeleteDatasetResponse, OwnerDatasetParams } from "./schemas";

export const { byOwner: deleteDatasetRoute, byId: deleteDatasetByIdRoute } = pairedRoutes(
  {
    method: "delete",
    tags: ["Datasets"],
    summary: "Delete a dataset",
    description: "Moves a dataset to trash for 30 days.",
    responses: {
      200: json(DeleteDatasetResponse, "Dataset moved to trash"),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}",
      operationId: "delete_api_datasets_owner_dataset",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}",
      operationId: "delete_api_datasets_datasetId",
      request: { params: DatasetIdParams },
    },
  },
);

export const handleDeleteDataset: AppHandler<typeof deleteDatasetRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  await trashDataset(c.var.deps, c.var.actor, { owner, slug: dataset });
  return c.json({ success: true as const }, 200);
};

export const handleDeleteDatasetById: AppHandler<typeof deleteDatasetByIdRoute> = async (c) => {
  await trashDataset(c.var.deps, c.var.actor, { id: c.req.valid("param").datasetId });
  return c.json({ success: true as const }, 200);
};
