import { z } from "@hono/zod-openapi";
import { isId } from "../../ids";
import { Timestamp } from "../common/schemas";
import { JobStatus } from "../exports/schemas";

export const JobId = z
  .string()
  .refine((value) => isId("job", value), "must be a job id (job_...)")
  .openapi({ description: "Job ID", example: "job_0123456789abcdefghij" });
export const JobIdParams = z.object({ jobId: JobId.openapi({ param: { name: "jobId", in: "path" } }) });

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
