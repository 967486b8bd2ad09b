import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { startCloudTraining } from "../../services/training/cloud";
import { json, jsonBody } from "../common/schemas";
import { TrainingStartBody, TrainingStartResponse } from "./schemas";

export const startTrainingRoute = createRoute({
  method: "post",
  path: "/api/training/start",
  operationId: "post_api_training_start",
  tags: ["Training"],
  summary: "Start cloud training",
  description:
    "Queues `yolo train` for a runner of `gpuType` (one the live fleet offers: 503 otherwise). The model must be the caller's to edit and not training (409); `trainArgs.model` is an official model, a `ul://` model or a model id; `trainArgs.data` a `ul://` dataset or a dataset id the caller can read. Credits for the estimate are reserved (402 without) and settled for the time used.",
  request: { body: jsonBody(TrainingStartBody) },
  responses: {
    200: json(TrainingStartResponse, "Training started"),
    ...errorResponses(400, 401, 402, 403, 404, 409, 429, 503),
  },
});

export const handleStartTraining: AppHandler<typeof startTrainingRoute> = async (c) =>
  c.json(await startCloudTraining(c.var.deps, c.var.actor, c.req.valid("json") as never), 200);
