import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ModelRef } from "../../db/models";
import { errorResponses } from "../../errors";
import { cloneModel } from "../../services/model-clones";
import { json, jsonBody } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { CloneModelResponse, ModelClone, ModelIdParams, OwnerProjectModelParams } from "./schemas";

export const { byOwner: cloneModelRoute, byId: cloneModelByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Models"],
    summary: "Clone a model",
    description:
      "Copies a public model (or one of yours) with its weights into a project you can edit: `project` (or the docs' `targetProjectSlug`) in `owner` (default: your workspace). Browser session only. Honours Idempotency-Key.",
    request: { body: jsonBody(ModelClone) },
    responses: { 201: json(CloneModelResponse, "Model cloned"), ...errorResponses(400, 401, 403, 404, 409, 429) },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}/clone",
      operationId: "post_api_models_owner_project_model_clone",
      request: { params: OwnerProjectModelParams },
    },
    byId: {
      path: "/api/models/{modelId}/clone",
      operationId: "post_api_models_modelId_clone",
      request: { params: ModelIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: ModelRef, body: typeof ModelClone._output) {
  const { model, owner, project, region } = await cloneModel(c.var.deps, c.var.actor, ref, {
    project: (body.project ?? body.targetProjectSlug)!,
    owner: body.owner,
    slug: body.model,
    name: body.name ?? body.modelName,
    description: body.description,
  });
  return c.json({ id: model.id, owner, project, model: model.slug, name: model.name, region }, 201);
}

export const handleCloneModel: AppHandler<typeof cloneModelRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  return answer(c, { owner, project, slug: model }, c.req.valid("json"));
};

export const handleCloneModelById: AppHandler<typeof cloneModelByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").modelId }, c.req.valid("json"));
