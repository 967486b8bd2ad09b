import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { issuePredictToken, warmUpModel } from "../../services/predict";
import { json } from "../common/schemas";
import { ModelIdParams } from "./schemas";

export const PredictToken = z
  .object({
    token: z.string(),
    expiresAt: z.string(),
    predictUrl: z.string().openapi({ description: "POST a multipart picture here; no other credential needed" }),
  })
  .openapi("PredictToken");
export const Warmup = z
  .object({
    success: z.literal(true),
    ready: z.boolean().openapi({ description: "Whether the model's ONNX file exists (false: its export was started)" }),
  })
  .openapi("PredictWarmup");

export const predictTokenRoute = createRoute({
  method: "post",
  path: "/api/models/{modelId}/predict/token",
  operationId: "post_api_models_modelId_predict_token",
  tags: ["Models"],
  summary: "Get a predict token",
  description:
    "A short-lived (10 min) token for the Predict tab's direct calls: the predictUrl takes a picture with no other credential, for this model only. Browser session only; for programs use POST /api/models/{modelId}/predict with an API key.",
  request: { params: ModelIdParams },
  responses: { 200: json(PredictToken, "Token"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const predictWarmupRoute = createRoute({
  method: "post",
  path: "/api/models/{modelId}/predict/warmup",
  operationId: "post_api_models_modelId_predict_warmup",
  tags: ["Models"],
  summary: "Warm up a model",
  description:
    "Makes sure the model can be predicted with: starts its ONNX export when it has none. Browser session only.",
  request: { params: ModelIdParams },
  responses: { 200: json(Warmup, "Warm or warming"), ...errorResponses(400, 401, 403, 404, 429, 503) },
});

export const handlePredictToken: AppHandler<typeof predictTokenRoute> = async (c) =>
  c.json(await issuePredictToken(c.var.deps, c.var.actor, { id: c.req.valid("param").modelId }), 200);
export const handlePredictWarmup: AppHandler<typeof predictWarmupRoute> = async (c) =>
  c.json(
    { success: true as const, ready: await warmUpModel(c.var.deps, c.var.actor, { id: c.req.valid("param").modelId }) },
    200,
  );
