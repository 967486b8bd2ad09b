import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import { hubHeartbeat, hubMetrics, uploadHubCheckpoint, uploadHubMetrics } from "../../services/hub/training";
import { CHECKPOINT_MAX_BYTES } from "../../services/training/files";
import { readForm } from "../common/multipart";
import { json, jsonBody } from "../common/schemas";
import { envelope, HubModelParams } from "./schemas";

const tags = ["HUB v1"];
const Ok = envelope(z.object({ ok: z.literal(true) }));

export const hubMetricsUploadRoute = createRoute({
  method: "post",
  path: "/v1/models/{modelId}",
  operationId: "post_v1_models_modelId",
  tags,
  summary: "Upload epoch metrics (HUB session)",
  description:
    'hub-sdk\'s `upload_metrics`: `{"type": "metrics", "metrics": {"<epoch>": "<JSON string of that epoch\'s metrics>"}}`. They land in the model\'s run, as the Platform callbacks\' epochs do.',
  request: {
    params: HubModelParams,
    body: jsonBody(
      z.object({
        type: z.literal("metrics"),
        metrics: z.record(z.string().regex(/^\d{1,6}$/, "must be an epoch number"), z.string().max(100_000)),
      }),
    ),
  },
  responses: { 200: json(Ok, "Recorded"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const hubMetricsRoute = createRoute({
  method: "get",
  path: "/v1/models/{modelId}/metrics",
  operationId: "get_v1_models_modelId_metrics",
  tags,
  summary: "Get epoch metrics",
  description: "The newest run's metrics, one entry per epoch.",
  request: { params: HubModelParams },
  responses: {
    200: json(
      envelope(z.array(z.object({ epoch: z.number(), metrics: z.record(z.string(), z.number().nullable()) }))),
      "Metrics",
    ),
    ...errorResponses(401, 404, 429),
  },
});

export const hubHeartbeatRoute = createRoute({
  method: "post",
  path: "/v1/agent/heartbeat/models/{modelId}",
  operationId: "post_v1_agent_heartbeat_models_modelId",
  tags,
  summary: "Training session heartbeat",
  description: "Keeps the session's run alive; answers the `agentId` to send with the next beat.",
  request: {
    params: HubModelParams,
    body: jsonBody(
      z.object({ agent: z.string().max(200).optional(), agentId: z.string().max(100).nullable().optional() }),
    ),
  },
  responses: {
    200: json(envelope(z.object({ agentId: z.string() })), "Alive"),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export const hubUploadRoute = createRoute({
  method: "post",
  path: "/v1/models/{modelId}/upload",
  operationId: "post_v1_models_modelId_upload",
  tags,
  summary: "Upload a checkpoint (HUB session)",
  description:
    "Multipart: `epoch`, `type` (`epoch` or `final`), `isBest`, `map` (final), and the file part named `last.pt` (epoch) or `best.pt` (final). A final upload makes the model trained.",
  request: { params: HubModelParams },
  responses: { 200: json(Ok, "Stored"), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
});

export const handleHubMetricsUpload: AppHandler<typeof hubMetricsUploadRoute> = async (c) => {
  await uploadHubMetrics(c.var.deps, c.var.actor, c.req.valid("param").modelId, c.req.valid("json").metrics);
  return c.json({ data: { ok: true as const } }, 200);
};

export const handleHubMetrics: AppHandler<typeof hubMetricsRoute> = async (c) =>
  c.json({ data: await hubMetrics(c.var.deps, c.var.actor, c.req.valid("param").modelId) }, 200);

export const handleHubHeartbeat: AppHandler<typeof hubHeartbeatRoute> = async (c) => {
  const { agentId } = c.req.valid("json");
  return c.json(
    { data: await hubHeartbeat(c.var.deps, c.var.actor, c.req.valid("param").modelId, agentId ?? null) },
    200,
  );
};

/** Read here: a multipart body of up to 5 GiB is not JSON. */
export const handleHubUpload: AppHandler<typeof hubUploadRoute> = async (c) => {
  const form = await readForm(c, {
    expected: "a checkpoint part (last.pt or best.pt)",
    maxBytes: CHECKPOINT_MAX_BYTES,
    tooLarge: `A checkpoint is at most ${CHECKPOINT_MAX_BYTES} bytes`,
  });
  const final = form.get("type") === "final";
  const file = form.get(final ? "best.pt" : "last.pt") as File | string | null;
  if (!file || typeof file === "string")
    throw new ApiError(
      "VALIDATION_ERROR",
      `Invalid form: a file part named ${final ? "best.pt" : "last.pt"} is required`,
    );
  const map = form.get("map");
  const epoch = form.get("epoch");
  await uploadHubCheckpoint(c.var.deps, c.var.actor, c.req.valid("param").modelId, {
    file,
    final,
    ...(typeof map === "string" && Number.isFinite(Number(map)) ? { map: Number(map) } : {}),
    ...(typeof epoch === "string" && Number.isInteger(Number(epoch)) ? { epoch: Number(epoch) } : {}),
  });
  return c.json({ data: { ok: true as const } }, 200);
};
