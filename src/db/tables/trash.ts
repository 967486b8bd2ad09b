import { bigint, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { workspaces } from "./identity";

export const TRASH_TYPES = ["project", "dataset", "model"] as const;
export type TrashType = (typeof TRASH_TYPES)[number];

/** One row per soft-deleted resource, written in the transaction that trashes it. */
export const trashItems = pgTable(
  "trash_items",
  {
    resourceType: text("resource_type", { enum: TRASH_TYPES }).notNull(),
    resourceId: text("resource_id").notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    cascadedCount: integer("cascaded_count").notNull().default(0),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull().default(0),
    parentId: text("parent_id"),
    parentName: text("parent_name"),
    parentSlug: text("parent_slug"),
    trashedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.resourceType, t.resourceId] }),
    index("trash_workspace_idx").on(t.workspaceId, t.trashedAt),
    index("trash_age_idx").on(t.trashedAt),
  ],
);
