import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { KEY_SCOPES } from "../../auth/scopes";
import { at, createdAt, updatedAt } from "./columns";

/** Where an owner's data is stored. */
export const REGIONS = ["us", "eu", "ap"] as const;
export type Region = (typeof REGIONS)[number];

/** An owner of resources: a user's personal workspace now, team workspaces later. */
export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  /** The handle used in owner/slug paths; users and teams share this namespace. */
  username: text("username").notNull().unique(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["personal", "team"] })
    .notNull()
    .default("personal"),
  plan: text("plan", { enum: ["free", "pro", "enterprise"] })
    .notNull()
    .default("free"),
  region: text("region", { enum: REGIONS }).notNull().default("us"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").unique(),
  /** The identity provider's subject, for sessions issued by an external IdP. */
  externalSubject: text("external_subject").unique(),
  personalWorkspaceId: text("personal_workspace_id")
    .notNull()
    .references(() => workspaces.id),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["viewer", "editor", "admin", "owner"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** SHA-256 hex of the full key; the key itself is never stored. */
    keyHash: text("key_hash").notNull(),
    keyPrefix: text("key_prefix").notNull(),
    /** What the key may do (src/auth/scopes.ts); keys made before scopes existed are admin. */
    scopes: text("scopes", { enum: KEY_SCOPES })
      .array()
      .notNull()
      .default(sql`'{admin}'::text[]`),
    /** A cloud training job's own key: it may act on this model only (src/services/training/job-keys.ts). */
    modelId: text("model_id"),
    jobId: text("job_id"),
    createdAt: createdAt(),
    revokedAt: at("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_keys_hash_idx").on(t.keyHash),
    index("api_keys_job_idx")
      .on(t.jobId)
      .where(sql`${t.jobId} is not null`),
    index("api_keys_workspace_idx")
      .on(t.workspaceId)
      .where(sql`${t.revokedAt} is null`),
  ],
);
