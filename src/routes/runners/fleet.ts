import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { registerRunner } from "../../services/jobs/claims";
import { waitForJobs } from "../../services/jobs/job-signal";
import { json, jsonBody } from "../common/schemas";
import { RUNNER_SECURITY } from "./security";
import { RunnerHeartbeat, RunnerHeartbeatResponse, RunnerWait, RunnerWaitResponse } from "./schemas";

export const heartbeatRoute = createRoute({
  method: "post",
  path: "/internal/runners/heartbeat",
  operationId: "post_internal_runners_heartbeat",
  tags: ["Runners"],
  summary: "Runner heartbeat",
  description:
    "A gpu-runner announces itself and what it can do (queues, GPU, export formats). Runners not heard from for 90 s are not counted as live.",
  security: RUNNER_SECURITY,
  request: { body: jsonBody(RunnerHeartbeat) },
  responses: { 200: json(RunnerHeartbeatResponse, "Registered"), ...errorResponses(400, 401, 503) },
});

export const waitRoute = createRoute({
  method: "post",
  path: "/internal/runners/wait",
  operationId: "post_internal_runners_wait",
  tags: ["Runners"],
  summary: "Wait for queued jobs",
  description:
    "A long poll (up to 25 s): answers when a job is queued on one of the runner's queues, so an idle runner pulls at once instead of at its next poll. A hint only; the queue delivers the job.",
  security: RUNNER_SECURITY,
  request: { body: jsonBody(RunnerWait) },
  responses: { 200: json(RunnerWaitResponse, "Woken, or timed out"), ...errorResponses(400, 401) },
});

export const handleHeartbeat: AppHandler<typeof heartbeatRoute> = async (c) =>
  c.json(await registerRunner(c.var.deps, c.req.valid("json")), 200);

export const handleWait: AppHandler<typeof waitRoute> = async (c) => {
  const { queues, seen, timeoutMs } = c.req.valid("json");
  return c.json(await waitForJobs(c.env, queues, seen, timeoutMs), 200);
};
