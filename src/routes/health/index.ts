import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, AppHandler } from "../../context";
import { ping } from "../../db/client";
import { JOB_QUEUES } from "../../db/schema";
import { queueOf } from "../../services/jobs/dispatch";
import { errorResponses } from "../../errors";
import { json } from "../common/schemas";
import { mount } from "../mount";

const Check = z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() });

export const HealthResponse = z
  .object({
    status: z.enum(["ok", "degraded"]),
    database: Check,
    storage: Check,
    queues: z.record(z.string(), z.object({ bound: z.boolean() })),
  })
  .openapi("HealthResponse");

export const healthRoute = createRoute({
  method: "get",
  path: "/api/health",
  operationId: "get_api_health",
  tags: ["Health"],
  summary: "Health",
  description: "Reports the database, the R2 bucket and the queue bindings. 503 when a dependency fails.",
  responses: {
    200: json(HealthResponse, "Healthy"),
    503: json(HealthResponse, "A dependency is failing"),
    ...errorResponses(429),
  },
});

async function check(work: () => Promise<unknown>) {
  const start = performance.now();
  try {
    await work();
    return { ok: true, latencyMs: Math.round((performance.now() - start) * 100) / 100 };
  } catch {
    return { ok: false, error: "unreachable" };
  }
}

const handleHealth: AppHandler<typeof healthRoute> = async (c) => {
  const { deps } = c.var;
  const [database, storage] = await Promise.all([
    check(() => ping(deps.db)),
    check(() => deps.bucket.head("health/probe")),
  ]);
  const queues = Object.fromEntries(JOB_QUEUES.map((queue) => [queue, { bound: Boolean(queueOf(c.env, queue)) }]));
  const healthy = database.ok && storage.ok && Object.values(queues).every((queue) => queue.bound);
  const body = { status: healthy ? ("ok" as const) : ("degraded" as const), database, storage, queues };
  return healthy ? c.json(body, 200) : c.json(body, 503);
};

export function registerHealthRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, healthRoute, handleHealth);
}
