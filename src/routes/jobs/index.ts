import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, AppHandler } from "../../context";
import { ApiError, describeIssues, errorResponses } from "../../errors";
import { assertNulFree } from "../../middleware/nul-free";
import { applyCallback, verifyCallback } from "../../services/jobs/callbacks";
import { claimJob, registerRunner } from "../../services/jobs/claims";
import { completeJobOutput, outputUrl, storeJobOutput, storeJobOutputPart } from "../../services/jobs/outputs";
import { waitForJobs } from "../../services/jobs/job-signal";
import { getJob } from "../../services/jobs/reads";
import { verifyTransfer } from "../../storage/signed-url";
import { json, jsonBody } from "../common/schemas";
import { mount } from "../mount";
import {
  ClaimBody,
  ClaimResponse,
  JobCallbackBody,
  JobCallbackResponse,
  JobIdParams,
  JobResponse,
  OutputCompleteBody,
  OutputCompleteResponse,
  OutputPartResponse,
  OutputRequest,
  OutputResponse,
  OutputTokenQuery,
  RunnerHeartbeat,
  RunnerHeartbeatResponse,
  RunnerWait,
  RunnerWaitResponse,
} from "./schemas";

const runnerSecurity = [{ RunnerToken: [] }];

export const getJobRoute = createRoute({
  method: "get",
  path: "/api/jobs/{jobId}",
  operationId: "get_api_jobs_jobId",
  tags: ["Jobs"],
  summary: "Get a job",
  description:
    "Status, progress, result, error and metrics of one of your jobs (exports, predictions, inspections). A queued job says why it waits when no live runner can take it.",
  request: { params: JobIdParams },
  responses: { 200: json(JobResponse, "The job"), ...errorResponses(400, 401, 404, 429) },
});

export const heartbeatRoute = createRoute({
  method: "post",
  path: "/internal/runners/heartbeat",
  operationId: "post_internal_runners_heartbeat",
  tags: ["Runners"],
  summary: "Runner heartbeat",
  description:
    "A gpu-runner announces itself and what it can do (queues, GPU, export formats). Runners not heard from for 90 s are not counted as live.",
  security: runnerSecurity,
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
  security: runnerSecurity,
  request: { body: jsonBody(RunnerWait) },
  responses: { 200: json(RunnerWaitResponse, "Woken, or timed out"), ...errorResponses(400, 401) },
});

export const claimRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/claim",
  operationId: "post_internal_jobs_jobId_claim",
  tags: ["Runners"],
  summary: "Claim a job",
  description:
    "Takes a job pulled from a queue under a 60 s lease (heartbeats extend it): the spec, signed input URLs and the callback secret. A job still held by another runner, or finished, is 409: ack the message and move on.",
  security: runnerSecurity,
  request: { params: JobIdParams, body: jsonBody(ClaimBody) },
  responses: { 200: json(ClaimResponse, "Claimed"), ...errorResponses(400, 401, 404, 409, 503) },
});

export const outputsRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/outputs",
  operationId: "post_internal_jobs_jobId_outputs",
  tags: ["Runners"],
  summary: "Sign an output upload",
  description: "The lease holder gets a signed PUT URL for one output file of its attempt (exact size and type).",
  security: runnerSecurity,
  request: { params: JobIdParams, body: jsonBody(OutputRequest) },
  responses: { 200: json(OutputResponse, "Signed"), ...errorResponses(400, 401, 404, 409, 503) },
});

export const putOutputRoute = createRoute({
  method: "put",
  path: "/internal/jobs/{jobId}/outputs/object",
  operationId: "put_internal_jobs_jobId_outputs_object",
  tags: ["Runners"],
  summary: "Upload an output file",
  description: "The signed URL from the outputs route; the token is the authority.",
  security: [],
  request: {
    params: JobIdParams,
    query: OutputTokenQuery,
    body: { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: {
    200: json(z.object({ success: z.literal(true), size: z.number() }), "Stored"),
    ...errorResponses(400, 401, 403, 404, 409, 415),
  },
});

export const putOutputPartRoute = createRoute({
  method: "put",
  path: "/internal/jobs/{jobId}/outputs/part",
  operationId: "put_internal_jobs_jobId_outputs_part",
  tags: ["Runners"],
  summary: "Upload one part of a large output file",
  description:
    "A part URL from the outputs route (exact size); answers the part's etag for the completion. A failed part is retried alone.",
  security: [],
  request: {
    params: JobIdParams,
    query: OutputTokenQuery,
    body: { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: { 200: json(OutputPartResponse, "Part stored"), ...errorResponses(400, 401, 403, 404, 409) },
});

export const completeOutputRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/outputs/complete",
  operationId: "post_internal_jobs_jobId_outputs_complete",
  tags: ["Runners"],
  summary: "Assemble a large output file",
  description:
    "After every part is up: the parts' etags make the file, which must hold exactly the size signed for (else it is deleted: sign and upload again).",
  security: runnerSecurity,
  request: { params: JobIdParams, body: jsonBody(OutputCompleteBody) },
  responses: { 200: json(OutputCompleteResponse, "Assembled"), ...errorResponses(400, 401, 404, 409, 503) },
});

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

const handleGetJob: AppHandler<typeof getJobRoute> = async (c) => {
  const { job, metrics } = await getJob(c.var.deps, c.var.actor, c.req.valid("param").jobId);
  return c.json(
    {
      job: {
        id: job.id,
        kind: job.kind,
        status: job.status,
        attempt: job.attempt,
        modelId: job.modelId,
        progress: job.progress,
        result: job.result,
        error: job.error,
        waitingReason: job.waitingReason,
        metrics: metrics.map((row) => ({ step: row.step, metrics: row.metrics })),
        createdAt: job.createdAt.toISOString(),
        startedAt: job.startedAt?.toISOString() ?? null,
        finishedAt: job.finishedAt?.toISOString() ?? null,
      },
    },
    200,
  );
};

const handleHeartbeat: AppHandler<typeof heartbeatRoute> = async (c) =>
  c.json(await registerRunner(c.var.deps, c.req.valid("json")), 200);
const handleWait: AppHandler<typeof waitRoute> = async (c) => {
  const { queues, seen, timeoutMs } = c.req.valid("json");
  return c.json(await waitForJobs(c.env, queues, seen, timeoutMs), 200);
};
const handleClaim: AppHandler<typeof claimRoute> = async (c) =>
  c.json(await claimJob(c.var.deps, c.req.valid("param").jobId, c.req.valid("json").runnerId), 200);
const handleOutputs: AppHandler<typeof outputsRoute> = async (c) =>
  c.json(await outputUrl(c.var.deps, c.req.valid("param").jobId, c.req.valid("json")), 200);

const handlePutOutput: AppHandler<typeof putOutputRoute> = async (c) => {
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "output");
  if ((c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase() !== claims.ct.toLowerCase())
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Content-Type must be ${claims.ct}, as signed`);
  await storeJobOutput(c.var.deps, c.req.valid("param").jobId, claims, signedBody(c.req.raw, claims.size));
  return c.json({ success: true as const, size: claims.size }, 200);
};

const handlePutOutputPart: AppHandler<typeof putOutputPartRoute> = async (c) => {
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "output-part");
  return c.json(
    await storeJobOutputPart(c.var.deps, c.req.valid("param").jobId, claims, signedBody(c.req.raw, claims.size)),
    200,
  );
};

const handleCompleteOutput: AppHandler<typeof completeOutputRoute> = async (c) =>
  c.json(await completeJobOutput(c.var.deps, c.req.valid("param").jobId, c.req.valid("json")), 200);

/** A signed PUT's body, which must announce exactly the signed size. */
function signedBody(request: Request, size: number): ReadableStream {
  if (Number(request.headers.get("content-length")) !== size)
    throw new ApiError("VALIDATION_ERROR", `Content-Length must be ${size}, as signed`);
  if (!request.body) throw new ApiError("VALIDATION_ERROR", "The request has no body");
  return request.body;
}

/** The signature covers the raw body, so it is checked before the body is parsed. */
const handleCallback: AppHandler<typeof callbackRoute> = async (c) => {
  const { jobId } = c.req.valid("param");
  const raw = await c.req.text();
  const job = await verifyCallback(
    c.var.deps,
    jobId,
    { timestamp: c.req.header("x-edgehub-timestamp"), signature: c.req.header("x-edgehub-signature") },
    raw,
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ApiError("VALIDATION_ERROR", "Malformed JSON in request body");
  }
  assertNulFree(parsed, "body");
  const event = JobCallbackBody.safeParse(parsed);
  if (!event.success) throw new ApiError("VALIDATION_ERROR", describeIssues(event.error.issues, "json"));
  const result = await applyCallback(c.var.deps, job, event.data);
  return c.json({ ok: true as const, ...result }, 200);
};

export function registerJobRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, getJobRoute, handleGetJob);
  mount(app, heartbeatRoute, handleHeartbeat);
  mount(app, waitRoute, handleWait);
  mount(app, claimRoute, handleClaim);
  mount(app, outputsRoute, handleOutputs);
  mount(app, putOutputRoute, handlePutOutput);
  mount(app, putOutputPartRoute, handlePutOutputPart);
  mount(app, completeOutputRoute, handleCompleteOutput);
  // The body is read raw (signature first): documented with its schema, validated in the handler.
  mount(app, callbackRoute, handleCallback, { validateBody: false });
}
