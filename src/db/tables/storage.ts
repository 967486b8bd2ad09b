import { bigint, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { at, createdAt, updatedAt } from "./columns";
import { users, workspaces } from "./identity";

export const ASSET_TYPES = ["models", "datasets", "images", "videos"] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

/** Images and videos belong to datasets; icons count toward the total but no category. */
export const STORAGE_CATEGORIES = ["datasets", "models", "exports", "icons"] as const;
export type StorageCategory = (typeof STORAGE_CATEGORIES)[number];

/** A signed-URL upload; `id` is the sessionId clients see. */
export const uploads = pgTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    assetType: text("asset_type", { enum: ASSET_TYPES }).notNull(),
    assetId: text("asset_id").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    totalBytes: bigint("total_bytes", { mode: "number" }).notNull(),
    objectKey: text("object_key").notNull().unique(),
    status: text("status", { enum: ["pending", "completed", "failed"] })
      .notNull()
      .default("pending"),
    /** R2 multipart upload id when the file goes up in parts. */
    multipartUploadId: text("multipart_upload_id"),
    partSize: bigint("part_size", { mode: "number" }),
    partCount: integer("part_count"),
    checksum: text("checksum"),
    expiresAt: at("expires_at").notNull(),
    completedAt: at("completed_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("uploads_status_expiry_idx").on(t.status, t.expiresAt),
    index("uploads_workspace_idx").on(t.workspaceId),
  ],
);

export const uploadParts = pgTable(
  "upload_parts",
  {
    uploadId: text("upload_id")
      .notNull()
      .references(() => uploads.id, { onDelete: "cascade" }),
    partNumber: integer("part_number").notNull(),
    etag: text("etag").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.partNumber] })],
);

/**
 * Every R2 object a workspace's resources hold; the source of the usage counters. A key appears
 * once per resource holding it: a dataset image's bytes (`images/<sha-256>`) are stored once and
 * counted in every dataset that holds them; R2 deletes the object when the last holder lets go.
 */
export const storageObjects = pgTable(
  "storage_objects",
  {
    key: text("key").notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    category: text("category", { enum: STORAGE_CATEGORIES }).notNull(),
    /** The resource the object belongs to (a model, dataset, project icon...). */
    resourceId: text("resource_id").notNull(),
    name: text("name").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    contentType: text("content_type"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.key, t.resourceId] }),
    index("storage_objects_workspace_idx").on(t.workspaceId, t.sizeBytes),
    index("storage_objects_resource_idx").on(t.resourceId),
  ],
);

/** Per-workspace, per-category byte and object counts, changed in the same transaction as storage_objects. */
export const storageUsage = pgTable(
  "storage_usage",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    category: text("category", { enum: STORAGE_CATEGORIES }).notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull().default(0),
    count: integer("count").notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.category] })],
);
