import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { jobOutputs, jobs } from "./schema";

export type JobOutputRow = typeof jobOutputs.$inferSelect;

export async function recordJobOutput(db: Queryable, row: typeof jobOutputs.$inferInsert): Promise<void> {
  await db.insert(jobOutputs).values(row);
}

/** The files a completing attempt reported: they stay. */
export async function keepJobOutputs(tx: Queryable, jobId: string, objectKeys: string[]): Promise<void> {
  if (!objectKeys.length) return;
  await tx
    .update(jobOutputs)
    .set({ kept: true })
    .where(and(eq(jobOutputs.jobId, jobId), inArray(jobOutputs.objectKey, objectKeys)));
}

/**
 * Outputs signed before `signedBefore` whose attempt is over: the job finished, was purged, or
 * moved on to a later attempt. With `kept`, whether the completing attempt reported the file.
 */
export async function settledJobOutputs(db: Queryable, signedBefore: Date, limit: number): Promise<JobOutputRow[]> {
  return db
    .select({ row: jobOutputs })
    .from(jobOutputs)
    .leftJoin(jobs, eq(jobs.id, jobOutputs.jobId))
    .where(
      and(
        lt(jobOutputs.createdAt, signedBefore),
        sql`(${jobs.id} is null or ${jobs.status} in ('completed', 'failed', 'cancelled') or ${jobs.attempt} > ${jobOutputs.attempt})`,
      ),
    )
    .limit(limit)
    .then((rows) => rows.map(({ row }) => row));
}

export async function forgetJobOutputs(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length) await db.delete(jobOutputs).where(inArray(jobOutputs.id, ids));
}
