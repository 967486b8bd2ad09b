import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at, createdAt, updatedAt } from "./columns";
import { workspaces } from "./identity";
import { JOB_QUEUES, JOB_STATUSES, type JobQueue } from "../../protocol/jobs";
import { models } from "./models";

export const JOB_KINDS = ["export", "predict", "inspect", "train", "ingest", "ndjson"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * Statuses and queues belong to the runner protocol (src/protocol/jobs.ts). The queues runners
 * pull from go by capability class, so a runner pulls only what it can run: predict-jobs
 * (inference: every runner), cpu-jobs (inspect, ingest: every runner), cli-jobs (CPU work of the
 * Ultralytics CLI: exports; runners with the CLI) and gpu-jobs (training, TensorRT: runners with
 * a GPU and the CLI).
 */
export { JOB_QUEUES, JOB_STATUSES, type JobQueue } from "../../protocol/jobs";
export type JobStatus = (typeof JOB_STATUSES)[number];

export type JobError = { message: string; code?: string; timestamp: string };

/** Every unit of work a runner does, of every kind; its status moves only through services/jobs/state-machine.ts. */
export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: JOB_KINDS }).notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    modelId: text("model_id").references(() => models.id, { onDelete: "cascade" }),
    queue: text("queue", { enum: JOB_QUEUES }).notNull(),
    status: text("status", { enum: JOB_STATUSES }).notNull().default("queued"),
    /** Claims so far; a lapsed lease makes the next claim attempt n+1. */
    attempt: integer("attempt").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    /** What the executor needs (format, args, input file keys...), set at creation. */
    spec: jsonb("spec").$type<Record<string, unknown>>().notNull(),
    gpuType: text("gpu_type"),
    runnerId: text("runner_id"),
    leaseId: text("lease_id"),
    leaseExpiresAt: at("lease_expires_at"),
    progress: jsonb("progress").$type<Record<string, unknown>>(),
    result: jsonb("result").$type<Record<string, unknown>>(),
    error: jsonb("error").$type<JobError>(),
    /** Why no runner is taking it, when that is known (no live runner serves its queue). */
    waitingReason: text("waiting_reason"),
    /** Billed GPU time, set when the job ends. */
    gpuSeconds: integer("gpu_seconds"),
    createdAt: createdAt(),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("jobs_model_kind_idx").on(t.modelId, t.kind, t.createdAt),
    index("jobs_status_lease_idx").on(t.status, t.leaseExpiresAt),
    index("jobs_workspace_idx").on(t.workspaceId, t.createdAt),
  ],
);

/** Callbacks already applied, by the runner's event id: a duplicate delivery changes nothing. */
export const jobEvents = pgTable(
  "job_events",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    attempt: integer("attempt").notNull(),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.eventId] })],
);

/** One row per job and epoch (or step): a redelivered job that reports epoch 3 again overwrites, never duplicates. */
export const jobMetrics = pgTable(
  "job_metrics",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    step: integer("step").notNull(),
    attempt: integer("attempt").notNull(),
    metrics: jsonb("metrics").$type<Record<string, number>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.step] })],
);

/** Console lines of a job, in order; (attempt, seq) from the runner keeps redeliveries idempotent. */
export const jobLogs = pgTable(
  "job_logs",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    seq: integer("seq").notNull(),
    line: text("line").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.attempt, t.seq] })],
);

/**
 * Every output file a runner was handed a URL for, kept until the cron has settled it: the
 * files of an attempt that died or was superseded, and unfinished multipart uploads, are
 * deleted (aborted) once no URL for them can still be used; the files a completed attempt
 * reported are marked kept, as they now belong to an export or a model. No foreign key: the
 * row must outlive a purged job so its stray file is still found.
 */
export const jobOutputs = pgTable(
  "job_outputs",
  {
    id: text("id").primaryKey(),
    jobId: text("job_id").notNull(),
    attempt: integer("attempt").notNull(),
    objectKey: text("object_key").notNull(),
    multipartUploadId: text("multipart_upload_id"),
    kept: boolean("kept").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("job_outputs_job_idx").on(t.jobId, t.objectKey), index("job_outputs_created_idx").on(t.createdAt)],
);

export const EXPORT_FORMATS = [
  "onnx",
  "torchscript",
  "openvino",
  "engine",
  "coreml",
  "litert",
  "tflite",
  "pb",
  "saved_model",
  "paddle",
  "ncnn",
  "edgetpu",
  "tfjs",
  "mnn",
  "rknn",
  "qnn",
  "imx",
  "axelera",
  "executorch",
  "deepx",
  "hailo",
  "ascend",
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A model converted to another format; its status is its job's. */
export const modelExports = pgTable(
  "model_exports",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    jobId: text("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    format: text("format", { enum: EXPORT_FORMATS }).notNull(),
    args: jsonb("args").$type<Record<string, unknown>>().notNull().default({}),
    gpuType: text("gpu_type"),
    objectKey: text("object_key"),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    downloadFilename: text("download_filename"),
    downloadCount: integer("download_count").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("model_exports_job_idx").on(t.jobId),
    index("model_exports_model_idx").on(t.modelId, t.createdAt),
  ],
);

export const CREDIT_KINDS = ["grant", "purchase", "reserve", "release", "settle"] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

/**
 * Append-only: the balance is the sum of a workspace's rows. A job reserves, then settles (and the
 * reservation is released) or releases; one row per (job, kind) makes each step idempotent.
 */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: CREDIT_KINDS }).notNull(),
    /** Signed cents: grants and releases add, reservations and settlements subtract. */
    amountCents: integer("amount_cents").notNull(),
    jobId: text("job_id"),
    note: text("note").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [
    index("credit_ledger_workspace_idx").on(t.workspaceId, t.createdAt),
    uniqueIndex("credit_ledger_job_kind_idx")
      .on(t.jobId, t.kind)
      .where(sql`${t.jobId} is not null`),
  ],
);

/** Runners announce themselves with heartbeats: what they pull and on which GPU. */
export const runners = pgTable("runners", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  queues: jsonb("queues").$type<JobQueue[]>().notNull(),
  gpuType: text("gpu_type"),
  /** Export formats its tools can produce (none without the yolo CLI). */
  formats: jsonb("formats").$type<string[]>().notNull().default([]),
  concurrency: integer("concurrency").notNull().default(1),
  lastSeenAt: at("last_seen_at").notNull(),
  createdAt: createdAt(),
});
