import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { trashModel } from "../../services/models";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DeleteModelResponse, ModelIdParams, OwnerProjectModelParams } from "./schemas";

export const { byOwner: deleteModelRoute, byId: deleteModelByIdRoute } = pairedRoutes(
  {
    method: "delete",
    tags: ["Models"],
    summary: "Delete a model",
    description: "Moves a model to trash for 30 days; `POST /api/trash` restores it.",
    responses: { 200: json(DeleteModelResponse, "Model moved to trash"), ...errorResponses(400, 401, 403, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}",
      operationId: "delete_api_models_owner_project_model",
      request: { params: OwnerProjectModelParams },
    },
    byId: {
      path: "/api/models/{modelId}",
      operationId: "delete_api_models_modelId",
      request: { params: ModelIdParams },
    },
  },
);

export const handleDeleteModel: AppHandler<typeof deleteModelRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  await trashModel(c.var.deps, c.var.actor, { owner, project, slug: model });
  return c.json({ success: true as const }, 200);
};

export const handleDeleteModelById: AppHandler<typeof deleteModelByIdRoute> = async (c) => {
  await trashModel(c.var.deps, c.var.actor, { id: c.req.valid("param").modelId });
  return c.json({ success: true as const }, 200);
};
