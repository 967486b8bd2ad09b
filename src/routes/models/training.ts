import type { AppHandler } from "../../context";
import type { ModelRef } from "../../db/models";
import { errorResponses } from "../../errors";
import { cancelTraining, trainingStatus } from "../../services/training/status";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { ModelIdParams, OwnerProjectModelParams } from "./schemas";
import { CancelTrainingResponse, TrainingProgressResponse, TrainingQuery } from "./training-schemas";

const forms = (method: "get" | "delete") => ({
  byOwner: {
    path: "/api/models/{owner}/{project}/{model}/training",
    operationId: `${method}_api_models_owner_project_model_training`,
    request: { params: OwnerProjectModelParams },
  },
  byId: {
    path: "/api/models/{modelId}/training",
    operationId: `${method}_api_models_modelId_training`,
    request: { params: ModelIdParams },
  },
});

export const { byOwner: getTrainingRoute, byId: getTrainingByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Training"],
    summary: "Get training progress",
    description:
      "The model's newest training run: status, epoch progress, timing and ETA, newest metrics and error; `job` is null before any run. Public projects' models anonymously. `include=detail` adds the Train tab's charts, the console's last lines and system stats.",
    request: { query: TrainingQuery },
    responses: { 200: json(TrainingProgressResponse, "Training progress"), ...errorResponses(400, 401, 404, 429) },
  },
  forms("get"),
);

export const { byOwner: cancelTrainingRoute, byId: cancelTrainingByIdRoute } = pairedRoutes(
  {
    method: "delete",
    tags: ["Training"],
    summary: "Cancel training",
    description:
      "Marks the running training cancelled: the trainer learns it from its next epoch_end answer and stops. 409 when no training is active.",
    responses: {
      200: json(CancelTrainingResponse, "Training cancelled"),
      ...errorResponses(400, 401, 403, 404, 409, 429),
    },
  },
  forms("delete"),
);

const ownerRef = (p: { owner: string; project: string; model: string }): ModelRef => ({
  owner: p.owner,
  project: p.project,
  slug: p.model,
});

export const handleGetTraining: AppHandler<typeof getTrainingRoute> = async (c) => {
  const detail = c.req.valid("query").include === "detail";
  return c.json(await trainingStatus(c.var.deps, c.var.actor, ownerRef(c.req.valid("param")), detail), 200);
};

export const handleGetTrainingById: AppHandler<typeof getTrainingByIdRoute> = async (c) => {
  const detail = c.req.valid("query").include === "detail";
  return c.json(await trainingStatus(c.var.deps, c.var.actor, { id: c.req.valid("param").modelId }, detail), 200);
};

export const handleCancelTraining: AppHandler<typeof cancelTrainingRoute> = async (c) =>
  c.json(await cancelTraining(c.var.deps, c.var.actor, ownerRef(c.req.valid("param"))), 200);

export const handleCancelTrainingById: AppHandler<typeof cancelTrainingByIdRoute> = async (c) =>
  c.json(await cancelTraining(c.var.deps, c.var.actor, { id: c.req.valid("param").modelId }), 200);
