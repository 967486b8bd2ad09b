import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { DatasetRef } from "../../db/datasets";
import { errorResponses } from "../../errors";
import { getDataset } from "../../services/datasets";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { toDatasetDetail, withAliases } from "./presenter";
import { DatasetDetailResponse, DatasetIdParams, OwnerDatasetParams } from "./schemas";

/** The docs' id form. */
export const { byOwner: getDatasetRoute, byId: getDatasetByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Datasets"],
    summary: "Get a dataset",
    responses: { 200: json(DatasetDetailResponse, "Dataset details"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}",
      operationId: "get_api_datasets_owner_dataset",
      description: "Returns a dataset by owner and dataset name.",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}",
      operationId: "get_api_datasets_datasetId",
      description:
        "The docs' id form of get_api_datasets_owner_dataset; the dataset carries the alias fields _id, slug, username.",
      request: { params: DatasetIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: DatasetRef, aliases: boolean) {
  const view = await getDataset(c.var.deps, c.var.actor, ref);
  const dataset = toDatasetDetail(view, c.var.deps.baseUrl);
  return c.json({ dataset: aliases ? withAliases(dataset) : dataset }, 200);
}

export const handleGetDataset: AppHandler<typeof getDatasetRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  return answer(c, { owner, slug: dataset }, false);
};

export const handleGetDatasetById: AppHandler<typeof getDatasetByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").datasetId }, true);
