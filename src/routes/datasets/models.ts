import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { DatasetRef } from "../../db/datasets";
import { errorResponses } from "../../errors";
import { trainedModels } from "../../services/datasets";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { toTrainedModel } from "./presenter";
import { DatasetIdParams, DatasetTrainedModelsResponse, OwnerDatasetParams } from "./schemas";

/** The docs' id form. */
export const { byOwner: datasetModelsRoute, byId: datasetModelsByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Datasets"],
    summary: "List models trained on a dataset",
    responses: { 200: json(DatasetTrainedModelsResponse, "Trained models"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}/models",
      operationId: "get_api_datasets_owner_dataset_models",
      description: "Returns accessible models whose training data references this dataset, newest first.",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}/models",
      operationId: "get_api_datasets_datasetId_models",
      description:
        "The docs' id form of get_api_datasets_owner_dataset_models; each model carries the alias fields _id, slug, username, projectId, projectSlug.",
      request: { params: DatasetIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: DatasetRef, aliases: boolean) {
  const rows = await trainedModels(c.var.deps, c.var.actor, ref);
  return c.json(
    { models: rows.map((row) => toTrainedModel(row, c.var.deps.baseUrl, aliases)), count: rows.length },
    200,
  );
}

export const handleDatasetModels: AppHandler<typeof datasetModelsRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  return answer(c, { owner, slug: dataset }, false);
};

export const handleDatasetModelsById: AppHandler<typeof datasetModelsByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").datasetId }, true);
