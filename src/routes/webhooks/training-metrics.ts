import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, describeIssues, errorResponses } from "../../errors";
import { assertNulFree } from "../../middleware/nul-free";
import { handleTrainingEvent } from "../../services/training/events";
import { parsePythonJson } from "../../services/training/metrics";
import { json, jsonBody } from "../common/schemas";
import { TrainingEventBody, TrainingEventResponse } from "./schemas";

export const trainingMetricsRoute = createRoute({
  method: "post",
  path: "/api/webhooks/training/metrics",
  operationId: "post_api_webhooks_training_metrics",
  tags: ["Training"],
  summary: "Training events from the ultralytics package",
  description:
    "What `yolo train ... project=<owner>/<project> name=<run>` sends with `ULTRALYTICS_PLATFORM_URL` set: `training_started` (answers `modelId`, `modelSlug`, `runId`; the project is made when missing, a finished model's name gets a sibling `name-2`), `console_output` (once per `chunkId`), `epoch_end` (one row per epoch; answers `cancelled: true` once the run is cancelled), `checkpoint_saved`, `training_complete`. The model is named by `modelId` or by `project` and `name`. Non-finite numbers (`NaN`, `Infinity`) are stored as null; unknown events are accepted and ignored.",
  request: { body: jsonBody(TrainingEventBody) },
  responses: { 200: json(TrainingEventResponse, "Recorded"), ...errorResponses(400, 401, 403, 404, 409, 429) },
});

/** Read raw: older packages write Python's bare NaN and Infinity, which JSON does not have. */
export const handleTrainingMetrics: AppHandler<typeof trainingMetricsRoute> = async (c) => {
  const event = TrainingEventBody.safeParse(parseLenient(await c.req.text()));
  if (!event.success) throw new ApiError("VALIDATION_ERROR", describeIssues(event.error.issues, "json"));
  return c.json(await handleTrainingEvent(c.var.deps, c.var.actor, event.data), 200);
};

function parseLenient(raw: string): unknown {
  let parsed: unknown;
  try {
    parsed = parsePythonJson(raw);
  } catch {
    throw new ApiError("VALIDATION_ERROR", "Malformed JSON in request body");
  }
  assertNulFree(parsed, "body");
  return parsed;
}
