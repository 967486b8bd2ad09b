/** The dev user `npm run dev` creates on first start: a user, its workspace and an API key. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { generateApiKey, hashApiKey, keyDisplayPrefix } from "../../src/auth/api-key";
import type { Database } from "../../src/db/client";
import { insertUser } from "../../src/db/identity";
import * as schema from "../../src/db/schema";
import { newId } from "../../src/ids";

export interface DevUser {
  userId: string;
  username: string;
  apiKey: string;
}

/** Returns `existing` when its user and key are still in the database, else creates a fresh dev user. */
export async function ensureDevUser(url: string, username: string, existing?: DevUser): Promise<DevUser> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const db = drizzle(client, { schema }) as unknown as Database;
    if (existing) {
      const [key] = await db.select().from(schema.apiKeys).where(eq(schema.apiKeys.keyHash, await hashApiKey(existing.apiKey)));
      if (key && !key.revokedAt) return existing;
    }
    const [taken] = await db.select().from(schema.workspaces).where(eq(schema.workspaces.username, username));
    const userId = taken ? (await db.select().from(schema.users).where(eq(schema.users.personalWorkspaceId, taken.id)))[0]!.id : newId("user");
    const workspaceId = taken?.id ?? newId("workspace");
    if (!taken) await insertUser(db, { userId, workspaceId, username, name: "EdgeHub Developer", email: `${username}@localhost` });
    const apiKey = generateApiKey();
    await db.insert(schema.apiKeys).values({ id: newId("apiKey"), workspaceId, userId, name: "dev", keyHash: await hashApiKey(apiKey), keyPrefix: keyDisplayPrefix(apiKey) });
    return { userId, username, apiKey };
  } finally {
    await client.end();
  }
}
