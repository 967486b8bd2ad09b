import { and, desc, eq, isNull, or } from "drizzle-orm";
import { hashApiKey, keyDisplayPrefix } from "../auth/api-key";
import { newId } from "../ids";
import type { KeyScope } from "../auth/scopes";
import type { Database, Queryable } from "./client";
import { apiKeys, memberships, users, workspaces } from "./schema";

export async function findWorkspace(db: Queryable, workspaceId: string) {
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  return workspace;
}

export async function findWorkspaceByUsername(db: Queryable, username: string) {
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.username, username));
  return workspace;
}

export async function membershipRole(db: Queryable, workspaceId: string, userId: string) {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

/** The row that stores an API key: its SHA-256 and display prefix, never the key. */
export async function newApiKeyRow(
  key: string,
  owner: { workspaceId: string; userId: string; name: string; id?: string; scopes?: KeyScope[] },
) {
  const row = {
    id: owner.id ?? newId("apiKey"),
    workspaceId: owner.workspaceId,
    userId: owner.userId,
    name: owner.name,
    keyHash: await hashApiKey(key),
    keyPrefix: keyDisplayPrefix(key),
  };
  return owner.scopes ? { ...row, scopes: owner.scopes } : row;
}

/** One live key of the workspace, with its scopes. */
export async function findActiveKey(db: Queryable, workspaceId: string, keyId: string) {
  const [row] = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      keyPrefix: apiKeys.keyPrefix,
      createdAt: apiKeys.createdAt,
      scopes: apiKeys.scopes,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)));
  return row;
}

export async function listActiveKeys(db: Queryable, workspaceId: string) {
  return (
    db
      .select({ id: apiKeys.id, name: apiKeys.name, keyPrefix: apiKeys.keyPrefix, createdAt: apiKeys.createdAt })
      .from(apiKeys)
      // A training job's own key is the job's, not the user's to list or delete.
      .where(and(eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt), isNull(apiKeys.jobId)))
      .orderBy(desc(apiKeys.createdAt))
  );
}

/** Marks the key revoked; returns its hash (to reach its gate) or nothing when there was no such live key. */
export async function revokeKey(
  db: Queryable,
  workspaceId: string,
  keyId: string,
  now: Date,
): Promise<string | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)))
    .returning({ keyHash: apiKeys.keyHash });
  return row?.keyHash;
}

/** A key bound to one job's model (a cloud training run's). */
export async function insertBoundKey(db: Queryable, row: typeof apiKeys.$inferInsert): Promise<void> {
  await db.insert(apiKeys).values(row);
}

/** Revokes the keys of a job; answers their hashes (for their gates). */
export async function revokeKeysOfJob(db: Queryable, jobId: string, now: Date): Promise<string[]> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.jobId, jobId), isNull(apiKeys.revokedAt)))
    .returning({ keyHash: apiKeys.keyHash });
  return rows.map((row) => row.keyHash);
}

/** Team workspaces a user belongs to, with their role. */
export async function teamsOf(db: Queryable, userId: string) {
  return db
    .select({ workspace: workspaces, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(workspaces.kind, "team")));
}

/** Creates a user with their personal workspace and owner membership, in one transaction. */
export async function insertUser(
  db: Database,
  user: { userId: string; workspaceId: string; username: string; name: string; email?: string },
) {
  return db.transaction(async (tx) => {
    await tx
      .insert(workspaces)
      .values({ id: user.workspaceId, username: user.username, name: user.name, kind: "personal" });
    await tx
      .insert(users)
      .values({ id: user.userId, email: user.email ?? null, personalWorkspaceId: user.workspaceId });
    await tx.insert(memberships).values({ workspaceId: user.workspaceId, userId: user.userId, role: "owner" });
  });
}

/** Who a live API key (by its hash) acts for: what its KeyGate caches. */
export async function keyPrincipal(db: Queryable, keyHash: string) {
  const [row] = await db
    .select({
      keyId: apiKeys.id,
      userId: apiKeys.userId,
      workspaceId: apiKeys.workspaceId,
      username: workspaces.username,
      scopes: apiKeys.scopes,
      modelId: apiKeys.modelId,
      jobId: apiKeys.jobId,
    })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row;
}

/** The user a session's subject names (an EdgeHub user id, or the identity provider's subject). */
export async function sessionPrincipal(db: Queryable, subject: string) {
  const [row] = await db
    .select({ userId: users.id, workspaceId: users.personalWorkspaceId, username: workspaces.username })
    .from(users)
    .innerJoin(workspaces, eq(workspaces.id, users.personalWorkspaceId))
    .where(or(eq(users.id, subject), eq(users.externalSubject, subject)))
    .limit(1);
  return row;
}
