import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at, createdAt, updatedAt } from "./columns";
import { users, workspaces } from "./identity";

export type ViewPreferences = { sortBy?: string; groupBy?: string; statusFilter?: string };

export const projects = pgTable(
  "projects",
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
    tags: jsonb("tags").$type<string[]>().notNull().default([]),
    license: text("license"),
    task: text("task"),
    iconColor: text("icon_color"),
    iconLetter: text("icon_letter"),
    /** R2 key of the uploaded icon image. */
    iconKey: text("icon_key"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    archived: boolean("archived").notNull().default(false),
    viewPreferences: jsonb("view_preferences").$type<ViewPreferences>(),
    clonedFrom: text("cloned_from"),
    cloneCount: integer("clone_count").notNull().default(0),
    starCount: integer("star_count").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Set when the project is in the trash. */
    deletedAt: at("deleted_at"),
  },
  (t) => [
    // Slugs are unique among live projects; a trashed project keeps its slug until restored.
    uniqueIndex("projects_workspace_slug_idx")
      .on(t.workspaceId, t.slug)
      .where(sql`${t.deletedAt} is null`),
    index("projects_workspace_created_idx").on(t.workspaceId, t.createdAt),
  ],
);

export const projectStars = pgTable(
  "project_stars",
  {
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);
