import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at, createdAt, updatedAt } from "./columns";
import { users, workspaces } from "./identity";

export const DATASET_FORMATS = ["yolo", "coco", "raw", "ndjson"] as const;

/** How many images each split holds; ingest keeps them (zero until a dataset has images). */
export type DatasetSplits = { train: number; val: number; test: number; labeled: number };

export const datasets = pgTable(
  "datasets",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    visibility: text("visibility", { enum: ["public", "private"] })
      .notNull()
      .default("private"),
    task: text("task").notNull().default("detect"),
    format: text("format", { enum: DATASET_FORMATS }).notNull().default("yolo"),
    classNames: jsonb("class_names").$type<string[]>().notNull().default([]),
    classColors: jsonb("class_colors").$type<Record<string, string>>(),
    /** Pose datasets: [keypoints, dimensions (2 or 3)], which every label's keypoints must match. */
    kptShape: jsonb("kpt_shape").$type<[number, number]>(),
    tags: jsonb("tags").$type<string[]>().notNull().default([]),
    license: text("license"),
    iconColor: text("icon_color"),
    iconLetter: text("icon_letter"),
    /** R2 key of an uploaded icon image. */
    iconKey: text("icon_key"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    imageCount: integer("image_count").notNull().default(0),
    splits: jsonb("splits").$type<DatasetSplits>().notNull().default({ train: 0, val: 0, test: 0, labeled: 0 }),
    status: text("status", { enum: ["processing", "ready", "failed"] })
      .notNull()
      .default("ready"),
    starCount: integer("star_count").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Set when the dataset is in the trash. */
    deletedAt: at("deleted_at"),
  },
  (t) => [
    // Slugs are unique among live datasets; a trashed dataset keeps its slug until restored.
    uniqueIndex("datasets_workspace_slug_idx")
      .on(t.workspaceId, t.slug)
      .where(sql`${t.deletedAt} is null`),
    index("datasets_workspace_created_idx").on(t.workspaceId, t.createdAt),
  ],
);

export const datasetStars = pgTable(
  "dataset_stars",
  {
    datasetId: text("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.userId] })],
);
