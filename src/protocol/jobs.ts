/**
 * The one API <-> gpu-runner protocol, imported by both sides (the API adds OpenAPI names in
 * src/routes/runners/schemas.ts; gpu-runner/src/api-client.ts parses with the same schemas): the
 * queues and their message, the runner's heartbeat and wait, the claim, the signed callbacks,
 * and the output uploads. The zod of @hono/zod-openapi (the same zod, able to carry OpenAPI names):
 * a plain library the runner loads in Node as well.
 */
import { z } from "@hono/zod-openapi";
import { hmacHex } from "../crypto";

/** The queues, one per capability class (README "Jobs and runners"). */
export const JOB_QUEUES = ["gpu-jobs", "cli-jobs", "cpu-jobs", "predict-jobs"] as const;
export type JobQueue = (typeof JOB_QUEUES)[number];

/** What a queue message carries: enough for a runner to leave a job it cannot run unclaimed. */
export const QueueMessageBody = z.object({
  jobId: z.string(),
  kind: z.string().optional(),
  format: z.string().optional(),
  /** The GPU type a training job needs: a runner of another type leaves it. */
  gpuType: z.string().optional(),
});
export type QueueMessageBody = z.infer<typeof QueueMessageBody>;

/**
 * Why the API answered 409 to a runner (`details.reason` of the error body), so the runner decides
 * without reading English: `lease-held` (another live runner has it: look again later), `finished`
 * (completed, failed, or out of attempts: drop it), `cancelled`, `superseded` (a later attempt or
 * lease took over: stop).
 */
export const CONFLICT_REASONS = ["lease-held", "finished", "cancelled", "superseded"] as const;
export type ConflictReason = (typeof CONFLICT_REASONS)[number];

const RunnerId = z.string().regex(/^rnr_[0-9a-z]{20}$/, "must be a runner id (rnr_...)");
const Queues = z.array(z.enum(JOB_QUEUES)).min(1).max(JOB_QUEUES.length);

export const RunnerHeartbeat = z.object({
  runnerId: RunnerId.optional().describe("The id a first heartbeat returned; omit on the first"),
  name: z.string().min(1).max(100),
  queues: Queues,
  gpuType: z.string().max(50).optional(),
  formats: z.array(z.string().max(20)).max(30).default([]),
  concurrency: z.number().int().min(1).max(64).default(1),
});
export const RunnerHeartbeatResponse = z.object({ runnerId: z.string(), leaseMs: z.number().int() });

export const RunnerWait = z.object({
  queues: Queues,
  seen: z
    .record(z.string(), z.number().int().min(0))
    .optional()
    .describe("The generations the last answer gave; omit on the first call, which answers at once"),
  timeoutMs: z.number().int().min(0).max(25_000).default(20_000),
});
export const RunnerWaitResponse = z.object({
  generations: z.record(z.string(), z.number().int()),
  woke: z.boolean().describe("A job was queued on one of the queues since `seen`: pull now"),
});

export const ClaimRequest = z.object({ runnerId: RunnerId });
const SignedInput = z.object({ name: z.string(), size: z.number(), url: z.string() });
export const Claim = z.object({
  job: z.object({
    id: z.string(),
    kind: z.string(),
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    modelId: z.string().nullable(),
    gpuType: z.string().nullable(),
    spec: z.record(z.string(), z.unknown()),
  }),
  leaseId: z.string(),
  leaseExpiresAt: z.string(),
  webhookUrl: z.string(),
  webhookSecret: z.string().describe("HMAC-SHA256 key for this job's callbacks"),
  outputsUrl: z.string(),
  inputs: z.record(z.string(), SignedInput),
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe("Variables for the job's process: a training job's API URL and its own key"),
});
export type Claim = z.infer<typeof Claim>;

const FileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a plain file name");
const MAX_OUTPUT_BYTES = 5 * 1024 ** 3;

export const OutputRequest = z.object({
  leaseId: z.string().min(1).max(100),
  name: FileName,
  size: z.number().int().min(1).max(MAX_OUTPUT_BYTES),
  contentType: z.string().min(1).max(100),
});
export const SignedOutput = z.union([
  z.object({ key: z.string(), uploadUrl: z.string().describe("PUT the whole file here") }),
  z.object({
    key: z.string(),
    uploadId: z.string(),
    partSize: z.number().int(),
    parts: z
      .array(z.object({ partNumber: z.number().int(), size: z.number().int(), uploadUrl: z.string() }))
      .describe("Files larger than one part: PUT each part, then complete"),
  }),
]);
export type SignedOutput = z.infer<typeof SignedOutput>;
export const OutputPart = z.object({ partNumber: z.number().int(), etag: z.string() });
export const OutputComplete = z.object({
  leaseId: z.string().min(1).max(100),
  name: FileName,
  uploadId: z.string().min(1).max(1024),
  size: z.number().int().min(1).max(MAX_OUTPUT_BYTES),
  parts: z
    .array(z.object({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
    .min(1)
    .max(10_000),
});
export const OutputCompleteResponse = z.object({ key: z.string(), size: z.number().int() });

/** A file an attempt uploaded, as its `completed` event reports it. */
export const JobOutput = z.object({
  name: FileName,
  key: z.string().min(1).max(1024),
  size: z.number().int().min(0),
  contentType: z.string().max(100).default("application/octet-stream"),
});
export type JobOutput = z.infer<typeof JobOutput>;

const Base = {
  eventId: z.string().min(1).max(100),
  attempt: z.number().int().min(1),
  leaseId: z.string().min(1).max(100),
};
/** One signed callback (`POST /api/webhooks/jobs/{id}`, HMAC of `<timestamp>.<body>`). */
export const JobCallback = z.discriminatedUnion("type", [
  z.object({ ...Base, type: z.literal("started") }),
  z.object({ ...Base, type: z.literal("heartbeat") }),
  z.object({ ...Base, type: z.literal("released") }),
  z.object({ ...Base, type: z.literal("progress"), progress: z.record(z.string(), z.unknown()) }),
  z.object({
    ...Base,
    type: z.literal("metrics"),
    step: z.number().int().min(0).max(1_000_000),
    metrics: z.record(z.string().max(100), z.number()),
  }),
  z.object({
    ...Base,
    type: z.literal("log"),
    lines: z
      .array(z.object({ seq: z.number().int().min(0), line: z.string().max(10_000) }))
      .min(1)
      .max(1000),
  }),
  z.object({
    ...Base,
    type: z.literal("completed"),
    outputs: z.array(JobOutput).max(20).default([]),
    result: z.record(z.string(), z.unknown()).default({}),
    gpuSeconds: z.number().int().min(0).optional(),
  }),
  z.object({
    ...Base,
    type: z.literal("failed"),
    error: z.object({ message: z.string().min(1).max(10_000), code: z.string().max(100).optional() }),
    gpuSeconds: z.number().int().min(0).optional(),
  }),
]);
export type JobCallback = z.infer<typeof JobCallback>;

/**
 * The signature a callback carries (`X-EdgeHub-Signature`, with `X-EdgeHub-Timestamp`):
 * HMAC-SHA256 of `<timestamp>.<body>` with the claim's `webhookSecret`, hex, as `sha256=<hex>`.
 */
export async function signCallback(secret: string, timestamp: number, body: string): Promise<string> {
  return `sha256=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}
/** An event as the runner sends it, before the envelope (event id, attempt, lease) is added. */
export type JobEventBody = JobCallback extends infer E
  ? E extends unknown
    ? Omit<E, keyof typeof Base>
    : never
  : never;

export const JOB_STATUSES = ["queued", "starting", "running", "completed", "failed", "cancelled"] as const;
export const JobCallbackResponse = z.object({
  ok: z.literal(true),
  status: z.enum(JOB_STATUSES),
  duplicate: z.boolean(),
  leaseExpiresAt: z.string().optional(),
});
