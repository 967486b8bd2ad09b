import { sha256Hex } from "../crypto";
import type { Database } from "../db/client";
import { claimKey, deleteKey, deleteKeysBefore, findKey, saveAnswer } from "../db/idempotency";
import { ApiError } from "../errors";

/** How long a remembered answer is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type Reservation = { kind: "new" } | { kind: "replay"; status: number; body: string };

/**
 * Claims `key` for this request, or returns the answer already given to it. A different
 * request under the same key, or one still in flight, is a CONFLICT.
 */
export async function reserve(db: Database, scope: string, key: string, request: string): Promise<Reservation> {
  const requestHash = await sha256Hex(request);
  if (await claimKey(db, scope, key, requestHash)) return { kind: "new" };

  const existing = await findKey(db, scope, key);
  if (!existing) return reserve(db, scope, key, request); // expired between the two statements
  if (existing.requestHash !== requestHash)
    throw new ApiError("CONFLICT", "Idempotency-Key was already used with a different request");
  if (existing.responseStatus === null || existing.responseBody === null) {
    throw new ApiError("CONFLICT", "A request with this Idempotency-Key is still in progress");
  }
  return { kind: "replay", status: existing.responseStatus, body: existing.responseBody };
}

export async function remember(db: Database, scope: string, key: string, status: number, body: string): Promise<void> {
  await saveAnswer(db, scope, key, status, body);
}

/** Frees the key after a refused or failed request so the client's retry runs again. */
export async function release(db: Database, scope: string, key: string): Promise<void> {
  await deleteKey(db, scope, key);
}

export async function purgeExpiredIdempotencyKeys(db: Database, now: Date): Promise<void> {
  await deleteKeysBefore(db, new Date(now.getTime() - IDEMPOTENCY_TTL_MS));
}
