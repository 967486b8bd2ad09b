/**
 * The API key a cloud `train` job's `yolo train` uses: made with the job, bound to its model
 * (it may call the training webhooks for that model and read what it trains from, nothing
 * else), and revoked when the job ends. The key is derived from the job id with the signing
 * secret, so it is stored nowhere: its row holds only its hash, and the claim hands it to the
 * runner that holds the job.
 */
import { hashApiKey, keyDisplayPrefix } from "../../auth/api-key";
import { keyGateName } from "../../auth/authenticate";
import { toHex } from "../../crypto";
import type { Queryable } from "../../db/client";
import { insertBoundKey, revokeKeysOfJob } from "../../db/identity";
import type { JobRow } from "../../db/jobs";
import type { Env } from "../../env";
import { newId } from "../../ids";

async function derivedKey(secret: string, jobId: string): Promise<string> {
  const hmac = { name: "HMAC", hash: "SHA-256" };
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), hmac, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`train-key:${jobId}`)));
  return `ul_${toHex(mac.subarray(0, 20))}`;
}

/** Inside the job's creating transaction: the key's row (hash only), bound to the job's model. */
export async function mintJobKey(tx: Queryable, env: Env, job: JobRow, userId: string): Promise<void> {
  const key = await derivedKey(env.SIGNING_SECRET, job.id);
  await insertBoundKey(tx, {
    id: newId("apiKey"),
    workspaceId: job.workspaceId,
    userId,
    name: `training job ${job.id}`,
    keyHash: await hashApiKey(key),
    keyPrefix: keyDisplayPrefix(key),
    scopes: ["write"],
    modelId: job.modelId,
    jobId: job.id,
  });
}

/** The key itself, for the claim of the runner that holds the job. */
export function jobKey(env: Env, jobId: string): Promise<string> {
  return derivedKey(env.SIGNING_SECRET, jobId);
}

/** When the job ends: revoked in Postgres, and at once in every isolate through its gate. */
export async function revokeJobKey(tx: Queryable, env: Env | undefined, jobId: string): Promise<void> {
  const hashes = await revokeKeysOfJob(tx, jobId, new Date());
  if (!env) return;
  for (const hash of hashes) await env.KEY_GATE.get(env.KEY_GATE.idFromName(keyGateName(hash))).revoke();
}
