import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { EXPORT_FORMATS } from "../../db/schema";
import { errorResponses } from "../../errors";
import { hubExportOf, startHubExport } from "../../services/hub/exports";
import { resetHubModel } from "../../services/hub/models";
import { json, jsonBody } from "../common/schemas";
import { envelope, HubModelId, HubModelParams } from "./schemas";

const tags = ["HUB v1"];
const Format = z.enum(EXPORT_FORMATS);
const HubExport = z.object({
  id: z.string(),
  format: z.string(),
  status: z.string(),
  url: z.string().nullable().optional(),
});

export const hubExportRoute = createRoute({
  method: "post",
  path: "/v1/models/{modelId}/export",
  operationId: "post_v1_models_modelId_export",
  tags,
  summary: "Export a model (hub.export_model)",
  description: "Starts an export of the model's weights, as POST /api/exports does.",
  request: { params: HubModelParams, body: jsonBody(z.object({ format: Format })) },
  responses: { 200: json(envelope(HubExport), "Export started"), ...errorResponses(400, 401, 402, 403, 404, 409, 429) },
});

export const hubGetExportRoute = createRoute({
  method: "post",
  path: "/get-export",
  operationId: "post_get_export",
  tags,
  summary: "An export's status and URL (hub.get_export)",
  description:
    "The HUB-era package's root route: the newest export of `format` for `modelId`, with its download URL once done. The key in the body is the one in `x-api-key`.",
  request: {
    body: jsonBody(z.object({ apiKey: z.string().max(100).optional(), modelId: HubModelId, format: Format })),
  },
  responses: { 200: json(HubExport, "The export"), ...errorResponses(400, 401, 404, 429) },
});

export const hubResetRoute = createRoute({
  method: "post",
  path: "/model-reset",
  operationId: "post_model_reset",
  tags,
  summary: "Reset a model to untrained (hub.reset_model)",
  description:
    "Removes the model's checkpoints (best.pt, last.pt), training results and runs; it can be trained again.",
  request: { body: jsonBody(z.object({ modelId: HubModelId })) },
  responses: { 200: json(z.object({ success: z.literal(true) }), "Reset"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const handleHubExport: AppHandler<typeof hubExportRoute> = async (c) => {
  const { modelId } = c.req.valid("param");
  return c.json({ data: await startHubExport(c.var.deps, c.var.actor, modelId, c.req.valid("json").format) }, 200);
};

export const handleHubGetExport: AppHandler<typeof hubGetExportRoute> = async (c) => {
  const { modelId, format } = c.req.valid("json");
  return c.json(await hubExportOf(c.var.deps, c.var.actor, modelId, format), 200);
};

export const handleHubReset: AppHandler<typeof hubResetRoute> = async (c) => {
  await resetHubModel(c.var.deps, c.var.actor, c.req.valid("json").modelId);
  return c.json({ success: true as const }, 200);
};
