import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { claimJob } from "../../services/jobs/claims";
import { json, jsonBody } from "../common/schemas";
import { JobIdParams } from "../jobs/schemas";
import { ClaimBody, ClaimResponse } from "./schemas";
import { RUNNER_SECURITY } from "./security";

export const claimRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/claim",
  operationId: "post_internal_jobs_jobId_claim",
  tags: ["Runners"],
  summary: "Claim a job",
  description:
    "Takes a job pulled from a queue under a 60 s lease (heartbeats extend it): the spec, signed input URLs and the callback secret. A job still held by another runner, or finished, is 409: ack the message and move on.",
  security: RUNNER_SECURITY,
  request: { params: JobIdParams, body: jsonBody(ClaimBody) },
  responses: { 200: json(ClaimResponse, "Claimed"), ...errorResponses(400, 401, 404, 409, 503) },
});

export const handleClaim: AppHandler<typeof claimRoute> = async (c) =>
  c.json(await claimJob(c.var.deps, c.req.valid("param").jobId, c.req.valid("json").runnerId), 200);
