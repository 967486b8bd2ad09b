import { and, asc, eq, lt } from "drizzle-orm";
import type { Queryable } from "./client";
import { uploadParts, uploads } from "./schema";

export type UploadRow = typeof uploads.$inferSelect;

export async function insertUpload(db: Queryable, values: typeof uploads.$inferInsert): Promise<void> {
  await db.insert(uploads).values(values);
}

export async function findUpload(db: Queryable, id: string): Promise<UploadRow | undefined> {
  const [row] = await db.select().from(uploads).where(eq(uploads.id, id));
  return row;
}

/** Records a received part; a retried part replaces the earlier one. */
export async function recordPart(
  db: Queryable,
  part: { uploadId: string; partNumber: number; etag: string; sizeBytes: number },
): Promise<void> {
  await db
    .insert(uploadParts)
    .values(part)
    .onConflictDoUpdate({
      target: [uploadParts.uploadId, uploadParts.partNumber],
      set: { etag: part.etag, sizeBytes: part.sizeBytes },
    });
}

export async function partsOf(db: Queryable, uploadId: string) {
  return db.select().from(uploadParts).where(eq(uploadParts.uploadId, uploadId)).orderBy(asc(uploadParts.partNumber));
}

/** pending -> completed | failed, once: zero rows means someone else got there first. */
export async function finishUpload(
  db: Queryable,
  id: string,
  status: "completed" | "failed",
  values: { checksum?: string | null; completedAt?: Date } = {},
) {
  const [row] = await db
    .update(uploads)
    .set({ status, ...values })
    .where(and(eq(uploads.id, id), eq(uploads.status, "pending")))
    .returning({ id: uploads.id });
  return Boolean(row);
}

export async function expiredPendingUploads(db: Queryable, now: Date, limit: number) {
  return db
    .select()
    .from(uploads)
    .where(and(eq(uploads.status, "pending"), lt(uploads.expiresAt, now)))
    .limit(limit);
}

export async function deleteFailedUploadsBefore(db: Queryable, cutoff: Date) {
  await db.delete(uploads).where(and(eq(uploads.status, "failed"), lt(uploads.createdAt, cutoff)));
}
