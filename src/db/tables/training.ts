import {
  bigserial,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { at, createdAt, updatedAt } from "./columns";
import { workspaces } from "./identity";
import { jobs } from "./jobs";
import { models } from "./models";

export const RUN_STATUSES = ["running", "completed", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * One training run of a model, as the ultralytics package reports it (`training_started` ...
 * `training_complete`): on the user's machine, or on the fleet for a cloud `train` job.
 */
export const trainingRuns = pgTable(
  "training_runs",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The cloud job that runs it; null for a run on the user's own machine. */
    jobId: text("job_id").references(() => jobs.id, { onDelete: "set null" }),
    status: text("status", { enum: RUN_STATUSES }).notNull().default("running"),
    epochs: integer("epochs"),
    device: text("device"),
    trainArgs: jsonb("train_args").$type<Record<string, unknown>>().notNull().default({}),
    environment: jsonb("environment").$type<Record<string, unknown>>().notNull().default({}),
    /** The newest epoch_end's system stats (GPU, memory, CPU). */
    system: jsonb("system").$type<Record<string, unknown>>(),
    modelInfo: jsonb("model_info").$type<Record<string, unknown>>(),
    results: jsonb("results").$type<Record<string, unknown>>(),
    error: jsonb("error").$type<{ message: string; code?: string; timestamp: string }>(),
    cancelRequestedAt: at("cancel_requested_at"),
    startedAt: at("started_at").notNull().defaultNow(),
    finishedAt: at("finished_at"),
    /** The last event's time: a run silent for long is not a retry's to join. */
    updatedAt: updatedAt(),
  },
  (t) => [index("training_runs_model_idx").on(t.modelId, t.startedAt)],
);

/** One row per epoch: an epoch_end sent again (a retry) replaces its row, never adds one. */
export const trainingEpochs = pgTable(
  "training_epochs",
  {
    runId: text("run_id")
      .notNull()
      .references(() => trainingRuns.id, { onDelete: "cascade" }),
    epoch: integer("epoch").notNull(),
    /** Non-finite values arrive, and are kept, as null. */
    metrics: jsonb("metrics").$type<Record<string, number | null>>().notNull(),
    fitness: doublePrecision("fitness"),
    bestFitness: doublePrecision("best_fitness"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.epoch] })],
);

/** Console output in the order it came, each chunk once (by its chunkId). */
export const trainingConsole = pgTable(
  "training_console",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => trainingRuns.id, { onDelete: "cascade" }),
    chunkId: text("chunk_id").notNull(),
    content: text("content").notNull(),
    lineCount: integer("line_count").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("training_console_run_chunk_idx").on(t.runId, t.chunkId)],
);
