import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ModelRef } from "../../db/models";
import { errorResponses } from "../../errors";
import { getModel } from "../../services/models";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { toModelDetail, withAliases } from "./presenter";
import { ModelDetailResponse, ModelIdParams, OwnerProjectModelParams } from "./schemas";

export const { byOwner: getModelRoute, byId: getModelByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Models"],
    summary: "Get model details",
    description: "Returns a model: status, task, classes, metrics, training results and arguments, weights size.",
    responses: { 200: json(ModelDetailResponse, "Model details"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}",
      operationId: "get_api_models_owner_project_model",
      request: { params: OwnerProjectModelParams },
    },
    byId: {
      path: "/api/models/{modelId}",
      operationId: "get_api_models_modelId",
      request: { params: ModelIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: ModelRef, aliases: boolean) {
  const { view, isOwner } = await getModel(c.var.deps, c.var.actor, ref);
  const model = toModelDetail(view);
  return c.json({ model: aliases ? withAliases(model, view.project.id) : model, isOwner }, 200);
}

export const handleGetModel: AppHandler<typeof getModelRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  return answer(c, { owner, project, slug: model }, false);
};

export const handleGetModelById: AppHandler<typeof getModelByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").modelId }, true);
