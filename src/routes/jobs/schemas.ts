import { z } from "@hono/zod-openapi";
import { isId } from "../../ids";
import * as protocol from "../../protocol/jobs";
import { Timestamp } from "../common/schemas";
import { JobStatus } from "../exports/schemas";

export const JobId = z
  .string()
  .refine((value) => isId("job", value), "must be a job id (job_...)")
  .openapi({ description: "Job ID", example: "job_0123456789abcdefghij" });
export const JobIdParams = z.object({ jobId: JobId.openapi({ param: { name: "jobId", in: "path" } }) });

// The runner protocol's schemas (src/protocol/jobs.ts), named for the OpenAPI document.
export const RunnerHeartbeat = protocol.RunnerHeartbeat.openapi("RunnerHeartbeat");
export const RunnerHeartbeatResponse = protocol.RunnerHeartbeatResponse.openapi("RunnerHeartbeatResponse");
export const RunnerWait = protocol.RunnerWait.openapi("RunnerWait");
export const RunnerWaitResponse = protocol.RunnerWaitResponse.openapi("RunnerWaitResponse");
export const ClaimBody = protocol.ClaimRequest.openapi("JobClaim");
export const ClaimResponse = protocol.Claim.openapi("JobClaimResponse");
export const OutputRequest = protocol.OutputRequest.openapi("JobOutputRequest");
export const OutputResponse = protocol.SignedOutput.openapi("JobOutputResponse");
export const OutputPartResponse = protocol.OutputPart.openapi("JobOutputPartResponse");
export const OutputCompleteBody = protocol.OutputComplete.openapi("JobOutputComplete");
export const OutputCompleteResponse = protocol.OutputCompleteResponse.openapi("JobOutputCompleteResponse");
export const OutputTokenQuery = z.object({ token: z.string().optional() });
export const JobCallbackBody = protocol.JobCallback.openapi("JobCallback");
export const JobCallbackResponse = protocol.JobCallbackResponse.openapi("JobCallbackResponse");

export const JobResponse = z
  .object({
    job: z.object({
      id: z.string(),
      kind: z.string(),
      status: JobStatus,
      attempt: z.number().int(),
      modelId: z.string().nullable(),
      progress: z.record(z.string(), z.unknown()).nullable(),
      result: z.record(z.string(), z.unknown()).nullable(),
      error: z.object({ message: z.string(), code: z.string().optional(), timestamp: Timestamp }).nullable(),
      waitingReason: z.string().nullable(),
      metrics: z.array(z.object({ step: z.number().int(), metrics: z.record(z.string(), z.number()) })),
      createdAt: Timestamp,
      startedAt: Timestamp.nullable(),
      finishedAt: Timestamp.nullable(),
    }),
  })
  .openapi("JobResponse");
