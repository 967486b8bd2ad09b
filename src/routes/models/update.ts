import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ModelRef } from "../../db/models";
import { errorResponses } from "../../errors";
import { updateModel } from "../../services/models";
import { json, jsonBody } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { ModelIdParams, ModelPatchResponse, ModelUpdate, OwnerProjectModelParams } from "./schemas";

export const { byOwner: updateModelRoute, byId: updateModelByIdRoute } = pairedRoutes(
  {
    method: "patch",
    tags: ["Models"],
    summary: "Update a model",
    description:
      "Updates model properties such as name, description, metadata, visibility or status. Changing the display name changes the URL name too. `{starred}` alone stars or unstars.",
    request: { body: jsonBody(ModelUpdate) },
    responses: { 200: json(ModelPatchResponse, "Model updated"), ...errorResponses(400, 401, 403, 404, 409, 429) },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}",
      operationId: "patch_api_models_owner_project_model",
      request: { params: OwnerProjectModelParams },
    },
    byId: {
      path: "/api/models/{modelId}",
      operationId: "patch_api_models_modelId",
      request: { params: ModelIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: ModelRef, body: typeof ModelUpdate._output) {
  const { model, slug, ...rest } = body;
  const result = await updateModel(c.var.deps, c.var.actor, ref, { ...rest, slug: model ?? slug });
  if (result.kind === "starred") return c.json({ starred: result.starred, starCount: result.starCount }, 200);
  return c.json({ success: true as const, model: result.slug }, 200);
}

export const handleUpdateModel: AppHandler<typeof updateModelRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  return answer(c, { owner, project, slug: model }, c.req.valid("json"));
};

export const handleUpdateModelById: AppHandler<typeof updateModelByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").modelId }, c.req.valid("json"));
