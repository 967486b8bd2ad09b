import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { datasets } from "./datasets";
import { workspaces } from "./identity";

export const SPLITS = ["train", "val", "test"] as const;
export type Split = (typeof SPLITS)[number];

/** One annotation in YOLO's normalised form; which geometry it carries follows the dataset's task. */
export type ImageLabel = {
  classId: number;
  bbox?: [number, number, number, number];
  segments?: number[];
  keypoints?: number[];
  obb?: [number, number, number, number, number, number, number, number];
  skeletonId?: string;
};

/**
 * A stored picture, named by the sha-256 of its bytes (R2 `images/<hash>`, its thumbnail beside
 * it): the same picture in two datasets, or in a clone, is stored once.
 */
export const imageBlobs = pgTable("image_blobs", {
  hash: text("hash").primaryKey(),
  ext: text("ext").notNull(),
  bytes: bigint("bytes", { mode: "number" }).notNull(),
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  createdAt: createdAt(),
});

/** A picture in a dataset: its name, split and labels. Size columns are copied from the blob to sort on. */
export const datasetImages = pgTable(
  "dataset_images",
  {
    /** 24 hex characters, as the contract's image ids are. */
    id: text("id").primaryKey(),
    datasetId: text("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    hash: text("hash")
      .notNull()
      .references(() => imageBlobs.hash),
    filename: text("filename").notNull(),
    /** Where the picture was in its archive. */
    originalPath: text("original_path"),
    split: text("split", { enum: SPLITS }).notNull(),
    ext: text("ext").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    labels: jsonb("labels").$type<ImageLabel[]>().notNull().default([]),
    labelCount: integer("label_count").notNull().default(0),
    /** The distinct classes of its labels, for the classIds filter. */
    classIds: integer("class_ids")
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
    /** Why the picture or its labels could not be used (a corrupt file, a label out of range). */
    error: text("error"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // A split is a folder of the exported dataset: its file names are unique.
    uniqueIndex("dataset_images_name_idx").on(t.datasetId, t.split, t.filename),
    index("dataset_images_created_idx").on(t.datasetId, t.createdAt, t.id),
    index("dataset_images_filename_idx").on(t.datasetId, t.filename, t.id),
    index("dataset_images_hash_idx").on(t.datasetId, t.hash),
    index("dataset_images_width_idx").on(t.datasetId, t.width, t.id),
    index("dataset_images_height_idx").on(t.datasetId, t.height, t.id),
    index("dataset_images_bytes_idx").on(t.datasetId, t.bytes, t.id),
    index("dataset_images_labels_idx").on(t.datasetId, t.labelCount, t.id),
    index("dataset_images_classes_idx").using("gin", t.classIds),
    index("dataset_images_blob_idx").on(t.hash),
    index("dataset_images_errors_idx")
      .on(t.datasetId)
      .where(sql`${t.error} is not null`),
  ],
);
