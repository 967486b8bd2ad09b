import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { completeJobOutput, outputUrl } from "../../services/jobs/outputs";
import { json, jsonBody } from "../common/schemas";
import { JobIdParams } from "../jobs/schemas";
import { OutputCompleteBody, OutputCompleteResponse, OutputRequest, OutputResponse } from "./schemas";
import { RUNNER_SECURITY } from "./security";

export const outputsRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/outputs",
  operationId: "post_internal_jobs_jobId_outputs",
  tags: ["Runners"],
  summary: "Sign an output upload",
  description: "The lease holder gets a signed PUT URL for one output file of its attempt (exact size and type).",
  security: RUNNER_SECURITY,
  request: { params: JobIdParams, body: jsonBody(OutputRequest) },
  responses: { 200: json(OutputResponse, "Signed"), ...errorResponses(400, 401, 404, 409, 503) },
});

export const completeOutputRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/outputs/complete",
  operationId: "post_internal_jobs_jobId_outputs_complete",
  tags: ["Runners"],
  summary: "Assemble a large output file",
  description:
    "After every part is up: the parts' etags make the file, which must hold exactly the size signed for (else it is deleted: sign and upload again).",
  security: RUNNER_SECURITY,
  request: { params: JobIdParams, body: jsonBody(OutputCompleteBody) },
  responses: { 200: json(OutputCompleteResponse, "Assembled"), ...errorResponses(400, 401, 404, 409, 503) },
});

export const handleOutputs: AppHandler<typeof outputsRoute> = async (c) =>
  c.json(await outputUrl(c.var.deps, c.req.valid("param").jobId, c.req.valid("json")), 200);

export const handleCompleteOutput: AppHandler<typeof completeOutputRoute> = async (c) =>
  c.json(await completeJobOutput(c.var.deps, c.req.valid("param").jobId, c.req.valid("json")), 200);
