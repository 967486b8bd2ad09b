import { sql } from "drizzle-orm";
import {
  bigint,
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
import { users, workspaces } from "./identity";
import { projects } from "./projects";

export const MODEL_STATUSES = [
  "pending",
  "untrained",
  "starting",
  "running",
  "completed",
  "failed",
  "cancelled",
] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export type TrainResult = { epoch: number; metrics: Record<string, number>; fitness?: number; timestamp?: string };

/** A model of a project: its metadata (filled by the inspect job from the checkpoint) and training state. */
export const models = pgTable(
  "models",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    visibility: text("visibility", { enum: ["public", "private"] })
      .notNull()
      .default("private"),
    status: text("status", { enum: MODEL_STATUSES }).notNull().default("untrained"),
    task: text("task"),
    license: text("license"),
    color: text("color"),
    datasetId: text("dataset_id"),
    baseModel: text("base_model"),
    /** From the checkpoint: yaml file of the architecture (yolo11n.yaml), input size, parameter count. */
    architecture: text("architecture"),
    imgsz: integer("imgsz"),
    parameters: bigint("parameters", { mode: "number" }),
    classNames: jsonb("class_names").$type<string[]>(),
    trainArgs: jsonb("train_args").$type<Record<string, unknown>>(),
    metrics: jsonb("metrics").$type<Record<string, number>>(),
    trainResults: jsonb("train_results").$type<TrainResult[]>(),
    epochs: integer("epochs"),
    bestEpoch: integer("best_epoch"),
    bestFitness: doublePrecision("best_fitness"),
    /** The ultralytics version that wrote the checkpoint. */
    ultralyticsVersion: text("ultralytics_version"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    trainingError: jsonb("training_error").$type<{ message: string; code?: string; timestamp: string }>(),
    sourceModelId: text("source_model_id"),
    starCount: integer("star_count").notNull().default(0),
    cloneCount: integer("clone_count").notNull().default(0),
    downloadCount: integer("download_count").notNull().default(0),
    startedAt: at("started_at"),
    completedAt: at("completed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Set when the model is in the trash (alone, or with its project). */
    deletedAt: at("deleted_at"),
  },
  (t) => [
    uniqueIndex("models_project_slug_idx")
      .on(t.projectId, t.slug)
      .where(sql`${t.deletedAt} is null`),
    index("models_project_created_idx").on(t.projectId, t.createdAt),
    index("models_workspace_status_idx").on(t.workspaceId, t.status),
    index("models_dataset_idx").on(t.datasetId),
  ],
);

export const modelStars = pgTable(
  "model_stars",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.userId] })],
);

/**
 * Files of a model (best.pt, last.pt, model.onnx, config.json, args.yaml...), each with revisions:
 * a new upload of a name adds revision n+1 and keeps the old one. The current file is the newest.
 */
export const modelFiles = pgTable(
  "model_files",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    revision: integer("revision").notNull(),
    objectKey: text("object_key").notNull().unique(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    contentType: text("content_type").notNull(),
    sha256: text("sha256"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("model_files_name_revision_idx").on(t.modelId, t.name, t.revision)],
);
