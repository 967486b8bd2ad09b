import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, AppHandler } from "../../context";
import { JOB_QUEUES } from "../../db/schema";
import { ApiError, errorResponses } from "../../errors";
import { json, jsonBody } from "../common/schemas";
import { mount } from "../mount";

/**
 * Local development only: Cloudflare Queues' HTTP pull API served by workers/queue-gateway, which
 * `npm run dev` binds as QUEUE_GATEWAY; mounted only then. In production runners pull from Cloudflare's own API.
 */
const QueueParams = z.object({ queue: z.enum(JOB_QUEUES).openapi({ param: { name: "queue", in: "path" } }) });
const Envelope = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ code: z.number(), message: z.string() })),
  messages: z.array(z.unknown()),
  result: z.unknown(),
});

export const pullRoute = createRoute({
  method: "post",
  path: "/internal/queues/{queue}/messages/pull",
  operationId: "post_internal_queues_queue_messages_pull",
  tags: ["Runners"],
  summary: "Pull queue messages (local)",
  description:
    "Cloudflare Queues' pull API, served locally by the queue gateway: `{batch_size, visibility_timeout_ms}`.",
  security: [{ RunnerToken: [] }],
  request: {
    params: QueueParams,
    body: jsonBody(
      z.object({
        batch_size: z.number().int().min(1).max(100).optional(),
        visibility_timeout_ms: z.number().int().min(1).optional(),
      }),
    ),
  },
  responses: { 200: json(Envelope, "Messages under a lease"), ...errorResponses(400, 401, 404) },
});

export const ackRoute = createRoute({
  method: "post",
  path: "/internal/queues/{queue}/messages/ack",
  operationId: "post_internal_queues_queue_messages_ack",
  tags: ["Runners"],
  summary: "Ack or retry queue messages (local)",
  description:
    "Cloudflare Queues' ack API, served locally: `{acks: [{lease_id}], retries: [{lease_id, delay_seconds}]}`.",
  security: [{ RunnerToken: [] }],
  request: {
    params: QueueParams,
    body: jsonBody(
      z.object({
        acks: z.array(z.object({ lease_id: z.string() })).optional(),
        retries: z.array(z.object({ lease_id: z.string(), delay_seconds: z.number().min(0).optional() })).optional(),
      }),
    ),
  },
  responses: { 200: json(Envelope, "Acknowledged"), ...errorResponses(400, 401, 404) },
});

const forward: AppHandler<typeof pullRoute> = async (c) => {
  const gateway = c.env.QUEUE_GATEWAY;
  if (!gateway) throw new ApiError("NOT_FOUND", "No local queue gateway here");
  const url = new URL(c.req.url);
  const answer = await gateway.fetch(`http://gateway${url.pathname.replace(/^\/internal/, "")}`, {
    method: "POST",
    body: JSON.stringify(c.req.valid("json")),
    headers: { "Content-Type": "application/json" },
  });
  return c.json((await answer.json()) as z.infer<typeof Envelope>, 200);
};

export function registerQueueRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, pullRoute, forward);
  mount(app, ackRoute, forward as unknown as AppHandler<typeof ackRoute>);
}
