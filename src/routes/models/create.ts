import { createRoute } from "@hono/zod-openapi";
import { isSignedIn } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { createModel } from "../../services/models";
import { json, jsonBody } from "../common/schemas";
import { toCreatedModel } from "./presenter";
import { CreateModelResponse, ModelCreate } from "./schemas";

export const createModelRoute = createRoute({
  method: "post",
  path: "/api/models",
  operationId: "post_api_models",
  tags: ["Models"],
  summary: "Create a model",
  description:
    "Creates a model in an existing project, named by `projectId` (docs) or `owner`/`project` (contract). Weights go up separately: a `.pt` uploaded through `POST /api/upload/signed-url` with assetType `models` and this model's id fills it. Honours Idempotency-Key.",
  request: { body: jsonBody(ModelCreate) },
  responses: { 201: json(CreateModelResponse, "Model created"), ...errorResponses(400, 401, 403, 404, 409, 429) },
});

export const handleCreateModel: AppHandler<typeof createModelRoute> = async (c) => {
  const { projectId, owner, project, model, slug, ...rest } = c.req.valid("json");
  const actor = c.var.actor;
  // Without an owner, the contract's project name is the caller's own.
  const ref = projectId
    ? { id: projectId }
    : { owner: owner ?? (isSignedIn(actor) ? actor.username : ""), slug: project! };
  const view = await createModel(c.var.deps, c.var.actor, { ...rest, project: ref, slug: model ?? slug });
  return c.json(toCreatedModel(view), 201);
};
