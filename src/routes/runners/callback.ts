import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, describeIssues, errorResponses } from "../../errors";
import { assertNulFree } from "../../middleware/nul-free";
import { applyCallback, verifyCallback } from "../../services/jobs/callbacks";
import { json, jsonBody } from "../common/schemas";
import { JobIdParams } from "../jobs/schemas";
import { JobCallbackBody, JobCallbackResponse } from "./schemas";

export const callbackRoute = createRoute({
  method: "post",
  path: "/api/webhooks/jobs/{jobId}",
  operationId: "post_api_webhooks_jobs_jobId",
  tags: ["Runners"],
  summary: "Job callback",
  description:
    "A runner reports started, heartbeat, progress, metrics, log, completed or failed. Signed: `X-EdgeHub-Timestamp` (unix seconds, within 300 s) and `X-EdgeHub-Signature: sha256=<hex HMAC-SHA256 of '<timestamp>.<body>' with the job's secret>`. An event id already applied changes nothing; a superseded attempt or a cancelled job gets 409 (stop working).",
  security: [],
  request: { params: JobIdParams, body: jsonBody(JobCallbackBody) },
  responses: { 200: json(JobCallbackResponse, "Applied"), ...errorResponses(400, 401, 409) },
});

/** The signature covers the raw body, so it is checked before the body is parsed. */
export const handleCallback: AppHandler<typeof callbackRoute> = async (c) => {
  const { jobId } = c.req.valid("param");
  const raw = await c.req.text();
  const signature = { timestamp: c.req.header("x-edgehub-timestamp"), signature: c.req.header("x-edgehub-signature") };
  const job = await verifyCallback(c.var.deps, jobId, signature, raw);
  const event = JobCallbackBody.safeParse(parseJson(raw));
  if (!event.success) throw new ApiError("VALIDATION_ERROR", describeIssues(event.error.issues, "json"));
  const result = await applyCallback(c.var.deps, job, event.data);
  return c.json({ ok: true as const, ...result }, 200);
};

function parseJson(raw: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ApiError("VALIDATION_ERROR", "Malformed JSON in request body");
  }
  assertNulFree(parsed, "body");
  return parsed;
}
