/** Users made outside the API: the dev user of `npm run dev`, and `npm run user:create`. */
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { generateApiKey, hashApiKey } from "../../src/auth/api-key";
import type { Database } from "../../src/db/client";
import { insertUser, newApiKeyRow } from "../../src/db/identity";
import * as schema from "../../src/db/schema";
import { newId } from "../../src/ids";
import { DEV_GRANT_CENTS } from "../../src/billing/gpu-prices";
import { grantCredits } from "../../src/services/credits";

export interface CreatedUser {
  userId: string;
  username: string;
  apiKey: string;
}

async function withDatabase<T>(url: string, work: (db: Database) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(drizzle(client, { schema }) as unknown as Database);
  } finally {
    await client.end();
  }
}

async function issueKey(db: Database, workspaceId: string, userId: string, name: string): Promise<string> {
  const apiKey = generateApiKey();
  await db.insert(schema.apiKeys).values(await newApiKeyRow(apiKey, { workspaceId, userId, name }));
  return apiKey;
}

/** A new user with a personal workspace and a first API key. */
export async function createUser(
  url: string,
  user: { username: string; name?: string; email?: string; externalSubject?: string },
): Promise<CreatedUser> {
  return withDatabase(url, async (db) => {
    const userId = newId("user");
    const workspaceId = newId("workspace");
    await insertUser(db, {
      userId,
      workspaceId,
      username: user.username,
      name: user.name ?? user.username,
      email: user.email,
    });
    if (user.externalSubject)
      await db.update(schema.users).set({ externalSubject: user.externalSubject }).where(eq(schema.users.id, userId));
    return { userId, username: user.username, apiKey: await issueKey(db, workspaceId, userId, "first key") };
  });
}

/** Returns `existing` while its key is still live; otherwise a key for the dev user (created if missing). */
export async function ensureDevUser(url: string, username: string, existing?: CreatedUser): Promise<CreatedUser> {
  const found = await withDatabase(url, async (db) => {
    if (existing) {
      const [key] = await db
        .select()
        .from(schema.apiKeys)
        .where(eq(schema.apiKeys.keyHash, await hashApiKey(existing.apiKey)));
      if (key && !key.revokedAt) return existing;
    }
    const [workspace] = await db.select().from(schema.workspaces).where(eq(schema.workspaces.username, username));
    if (!workspace) return undefined;
    const [user] = await db.select().from(schema.users).where(eq(schema.users.personalWorkspaceId, workspace.id));
    return { userId: user!.id, username, apiKey: await issueKey(db, workspace.id, user!.id, "dev") };
  });
  return found ?? createUser(url, { username, name: "EdgeHub Developer", email: `${username}@localhost` });
}

/** The dev workspace starts with a credit grant (once), so GPU jobs can run locally. */
export async function ensureDevCredits(url: string, userId: string): Promise<void> {
  await withDatabase(url, async (db) => {
    const [user] = await db.select().from(schema.users).where(eq(schema.users.id, userId));
    if (!user) return;
    const [grant] = await db
      .select()
      .from(schema.creditLedger)
      .where(and(eq(schema.creditLedger.workspaceId, user.personalWorkspaceId), eq(schema.creditLedger.kind, "grant")));
    if (!grant) await grantCredits(db, user.personalWorkspaceId, DEV_GRANT_CENTS, "dev workspace grant");
  });
}
