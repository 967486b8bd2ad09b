import type { Database } from "../db/client";
import { purgeExpiredIdempotencyKeys } from "./idempotency";
import { purgeExpiredTrash } from "./trash";
import { collectAbandonedUploads } from "./uploads";

/** The cron's work; each step is safe to run twice. */
export async function runHousekeeping(db: Database, bucket: R2Bucket, now: Date) {
  const trashPurged = await purgeExpiredTrash(db, bucket, now);
  const uploadsCollected = await collectAbandonedUploads(db, bucket, now);
  await purgeExpiredIdempotencyKeys(db, now);
  return { trashPurged, uploadsCollected };
}
