import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { datasets, type DatasetSplits } from "./datasets";
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

/**
 * How many of a dataset's images hold each class, kept by triggers on dataset_images (migration
 * 0012) so that a class filter's total is one lookup, not a count over every image.
 */
export const datasetClassCounts = pgTable(
  "dataset_class_counts",
  {
    datasetId: text("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    classId: integer("class_id").notNull(),
    images: integer("images").notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.classId] })],
);

/**
 * A numbered, immutable snapshot of a dataset: its counts, classes, and a copy of every image row
 * (dataset_version_images), so that later edits change nothing in it and a restore can bring it
 * back. Its NDJSON (R2 `objectKey`) is rendered from those rows.
 */
export const datasetVersions = pgTable(
  "dataset_versions",
  {
    id: text("id").primaryKey(),
    datasetId: text("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    description: text("description").notNull().default(""),
    task: text("task").notNull(),
    classNames: jsonb("class_names").$type<string[]>().notNull(),
    kptShape: jsonb("kpt_shape").$type<[number, number]>(),
    imageCount: integer("image_count").notNull(),
    annotationCount: integer("annotation_count").notNull(),
    splits: jsonb("splits").$type<DatasetSplits>().notNull(),
    objectKey: text("object_key").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("dataset_versions_number_idx").on(t.datasetId, t.version)],
);

/** A version's copy of one image row, as it was when the version was made. */
export const datasetVersionImages = pgTable(
  "dataset_version_images",
  {
    versionId: text("version_id")
      .notNull()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    imageId: text("image_id").notNull(),
    hash: text("hash")
      .notNull()
      .references(() => imageBlobs.hash),
    filename: text("filename").notNull(),
    originalPath: text("original_path"),
    split: text("split", { enum: SPLITS }).notNull(),
    ext: text("ext").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    labels: jsonb("labels").$type<ImageLabel[]>().notNull(),
    labelCount: integer("label_count").notNull(),
    classIds: integer("class_ids").array().notNull(),
    error: text("error"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.imageId] }), index("dataset_version_images_hash_idx").on(t.hash)],
);
