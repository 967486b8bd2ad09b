import { z } from "@hono/zod-openapi";
import { JOB_QUEUES } from "../../db/schema";
import { isId } from "../../ids";
import { Timestamp } from "../common/schemas";
import { JobStatus } from "../exports/schemas";

export const JobId = z
  .string()
  .refine((value) => isId("job", value), "must be a job id (job_...)")
  .openapi({ description: "Job ID", example: "job_0123456789abcdefghij" });
export const JobIdParams = z.object({ jobId: JobId.openapi({ param: { name: "jobId", in: "path" } }) });

const RunnerId = z.string().regex(/^rnr_[0-9a-z]{20}$/, "must be a runner id (rnr_...)");

export const RunnerHeartbeat = z
  .object({
    runnerId: RunnerId.optional().openapi({ description: "The id a first heartbeat returned; omit on the first" }),
    name: z.string().min(1).max(100),
    queues: z.array(z.enum(JOB_QUEUES)).min(1).max(JOB_QUEUES.length),
    gpuType: z.string().max(50).optional(),
    formats: z.array(z.string().max(20)).max(30).default([]),
    concurrency: z.number().int().min(1).max(64).default(1),
  })
  .openapi("RunnerHeartbeat");
export const RunnerWait = z
  .object({
    queues: z.array(z.enum(JOB_QUEUES)).min(1).max(JOB_QUEUES.length),
    seen: z.record(z.string(), z.number().int().min(0)).optional().openapi({ description: "The generations the last answer gave; omit on the first call, which answers at once" }),
    timeoutMs: z.number().int().min(0).max(25_000).default(20_000),
  })
  .openapi("RunnerWait");
export const RunnerWaitResponse = z
  .object({ generations: z.record(z.string(), z.number().int()), woke: z.boolean().openapi({ description: "A job was queued on one of the queues since `seen`: pull now" }) })
  .openapi("RunnerWaitResponse");
export const RunnerHeartbeatResponse = z.object({ runnerId: z.string(), leaseMs: z.number().int() }).openapi("RunnerHeartbeatResponse");

export const ClaimBody = z.object({ runnerId: RunnerId }).openapi("JobClaim");
const SignedInput = z.object({ name: z.string(), size: z.number(), url: z.string() });
export const ClaimResponse = z
  .object({
    job: z.object({ id: z.string(), kind: z.string(), attempt: z.number().int(), maxAttempts: z.number().int(), modelId: z.string().nullable(), gpuType: z.string().nullable(), spec: z.record(z.string(), z.unknown()) }),
    leaseId: z.string(),
    leaseExpiresAt: Timestamp,
    webhookUrl: z.string(),
    webhookSecret: z.string().openapi({ description: "HMAC-SHA256 key for this job's callbacks" }),
    outputsUrl: z.string(),
    inputs: z.record(z.string(), SignedInput),
  })
  .openapi("JobClaimResponse");

const FileName = z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a plain file name");
export const OutputRequest = z
  .object({ leaseId: z.string().min(1).max(100), name: FileName, size: z.number().int().min(1).max(5 * 1024 ** 3), contentType: z.string().min(1).max(100) })
  .openapi("JobOutputRequest");
export const OutputResponse = z
  .union([
    z.object({ key: z.string(), uploadUrl: z.string().openapi({ description: "PUT the whole file here" }) }),
    z.object({
      key: z.string(),
      uploadId: z.string(),
      partSize: z.number().int(),
      parts: z.array(z.object({ partNumber: z.number().int(), size: z.number().int(), uploadUrl: z.string() })).openapi({ description: "Files larger than one part: PUT each part, then complete" }),
    }),
  ])
  .openapi("JobOutputResponse");
export const OutputPartResponse = z.object({ partNumber: z.number().int(), etag: z.string() }).openapi("JobOutputPartResponse");
export const OutputCompleteBody = z
  .object({
    leaseId: z.string().min(1).max(100),
    name: FileName,
    uploadId: z.string().min(1).max(1024),
    size: z.number().int().min(1).max(5 * 1024 ** 3),
    parts: z.array(z.object({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) })).min(1).max(10_000),
  })
  .openapi("JobOutputComplete");
export const OutputCompleteResponse = z.object({ key: z.string(), size: z.number().int() }).openapi("JobOutputCompleteResponse");
export const OutputTokenQuery = z.object({ token: z.string().optional() });

const Base = { eventId: z.string().min(1).max(100), attempt: z.number().int().min(1), leaseId: z.string().min(1).max(100) };
const Output = z.object({ name: FileName, key: z.string().min(1).max(1024), size: z.number().int().min(0), contentType: z.string().max(100).default("application/octet-stream") });
export const JobCallbackBody = z
  .discriminatedUnion("type", [
    z.object({ ...Base, type: z.literal("started") }),
    z.object({ ...Base, type: z.literal("heartbeat") }),
    z.object({ ...Base, type: z.literal("released") }),
    z.object({ ...Base, type: z.literal("progress"), progress: z.record(z.string(), z.unknown()) }),
    z.object({ ...Base, type: z.literal("metrics"), step: z.number().int().min(0).max(1_000_000), metrics: z.record(z.string().max(100), z.number()) }),
    z.object({ ...Base, type: z.literal("log"), lines: z.array(z.object({ seq: z.number().int().min(0), line: z.string().max(10_000) })).min(1).max(1000) }),
    z.object({ ...Base, type: z.literal("completed"), outputs: z.array(Output).max(20).default([]), result: z.record(z.string(), z.unknown()).default({}), gpuSeconds: z.number().int().min(0).optional() }),
    z.object({ ...Base, type: z.literal("failed"), error: z.object({ message: z.string().min(1).max(10_000), code: z.string().max(100).optional() }), gpuSeconds: z.number().int().min(0).optional() }),
  ])
  .openapi("JobCallback");
export const JobCallbackResponse = z
  .object({ ok: z.literal(true), status: JobStatus, duplicate: z.boolean(), leaseExpiresAt: Timestamp.optional() })
  .openapi("JobCallbackResponse");

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
