import { and, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { jobEvents, jobLogs, jobMetrics, jobs, runners, type JobQueue, type JobStatus } from "./schema";

export type JobRow = typeof jobs.$inferSelect;
export type NewJob = typeof jobs.$inferInsert;
export type RunnerRow = typeof runners.$inferSelect;

export async function insertJob(tx: Queryable, values: NewJob): Promise<JobRow> {
  const [row] = await tx.insert(jobs).values(values).returning();
  return row!;
}

export async function findJob(db: Queryable, id: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

/** Jobs running on gpu-jobs now, by GPU type: the fleet's busy slots. */
export async function busyGpuJobs(db: Queryable): Promise<Map<string, number>> {
  const rows = await db
    .select({ gpuType: jobs.gpuType, count: sql<number>`count(*)`.mapWith(Number) })
    .from(jobs)
    .where(and(eq(jobs.queue, "gpu-jobs"), inArray(jobs.status, ["starting", "running"])))
    .groupBy(jobs.gpuType);
  return new Map(rows.filter((row) => row.gpuType).map((row) => [row.gpuType!, row.count]));
}

/** The model's train job not yet finished, if any. */
export async function unfinishedTrainJob(db: Queryable, modelId: string): Promise<JobRow | undefined> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(
      and(eq(jobs.modelId, modelId), eq(jobs.kind, "train"), inArray(jobs.status, ["queued", "starting", "running"])),
    )
    .limit(1);
  return row;
}

/** A job of this kind not yet finished whose spec names `key` (one build per file at a time). */
export async function unfinishedJobFor(db: Queryable, kind: JobRow["kind"], key: string): Promise<JobRow | undefined> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.kind, kind),
        inArray(jobs.status, ["queued", "starting", "running"]),
        sql`${jobs.spec}->>'key' = ${key}`,
      ),
    )
    .limit(1);
  return row;
}

/**
 * Compare-and-set: changes the job only while it is still in one of `from` (and, when given, still
 * held under `leaseId`). Undefined when another writer moved it first: two runners never both win.
 */
/** The compare-and-set under every move: only src/services/jobs/state-machine.ts calls it. */
export async function updateJobIf(
  tx: Queryable,
  id: string,
  guard: { from: readonly JobStatus[]; leaseId?: string },
  changes: Partial<NewJob>,
): Promise<JobRow | undefined> {
  const [row] = await tx
    .update(jobs)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(
      and(
        eq(jobs.id, id),
        inArray(jobs.status, [...guard.from]),
        guard.leaseId ? eq(jobs.leaseId, guard.leaseId) : undefined,
      ),
    )
    .returning();
  return row;
}

/**
 * A claim in one statement: the job moves to `starting` as attempt n+1 under a new lease only while
 * it is claimable (queued, or its lease lapsed before `now`) and has attempts left. Undefined when
 * it is not; the caller reads the row to say why.
 */
export async function takeJob(
  tx: Queryable,
  id: string,
  take: { from: readonly JobStatus[]; now: Date; runnerId: string; leaseId: string; leaseExpiresAt: Date },
): Promise<JobRow | undefined> {
  const [row] = await tx
    .update(jobs)
    .set({
      status: "starting",
      attempt: sql`${jobs.attempt} + 1`,
      runnerId: take.runnerId,
      leaseId: take.leaseId,
      leaseExpiresAt: take.leaseExpiresAt,
      waitingReason: null,
      progress: null,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(jobs.id, id),
        inArray(jobs.status, [...take.from]),
        lt(jobs.attempt, jobs.maxAttempts),
        sql`(${jobs.status} = 'queued' or ${jobs.leaseExpiresAt} < ${take.now})`,
      ),
    )
    .returning();
  return row;
}

/** Records a callback by its event id; false when it was already applied (a duplicate). */
export async function recordEvent(tx: Queryable, event: typeof jobEvents.$inferInsert): Promise<boolean> {
  const inserted = await tx.insert(jobEvents).values(event).onConflictDoNothing().returning({ id: jobEvents.eventId });
  return inserted.length > 0;
}

/** One row per step: a redelivered job reporting the same epoch overwrites, never duplicates. */
export async function upsertMetrics(tx: Queryable, row: typeof jobMetrics.$inferInsert): Promise<void> {
  await tx
    .insert(jobMetrics)
    .values(row)
    .onConflictDoUpdate({
      target: [jobMetrics.jobId, jobMetrics.step],
      set: { metrics: row.metrics, attempt: row.attempt },
    });
}

export async function metricsOf(db: Queryable, jobId: string) {
  return db.select().from(jobMetrics).where(eq(jobMetrics.jobId, jobId)).orderBy(jobMetrics.step);
}

export async function appendLogs(tx: Queryable, rows: (typeof jobLogs.$inferInsert)[]): Promise<void> {
  if (rows.length) await tx.insert(jobLogs).values(rows).onConflictDoNothing();
}

/** Running jobs whose lease ran out: their runner is gone. */
export async function lapsedJobs(db: Queryable, now: Date, limit: number): Promise<JobRow[]> {
  return db
    .select()
    .from(jobs)
    .where(and(inArray(jobs.status, ["starting", "running"]), lt(jobs.leaseExpiresAt, now)))
    .orderBy(jobs.leaseExpiresAt)
    .limit(limit);
}

/** Queued jobs nobody claimed for a while: their message may be lost, so they are sent again. */
export async function staleQueuedJobs(db: Queryable, before: Date, limit: number): Promise<JobRow[]> {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, "queued"), lt(jobs.updatedAt, before)))
    .orderBy(jobs.updatedAt)
    .limit(limit);
}

export async function touchJob(db: Queryable, id: string): Promise<void> {
  await db
    .update(jobs)
    .set({ updatedAt: sql`now()` })
    .where(eq(jobs.id, id));
}

export async function upsertRunner(db: Queryable, row: typeof runners.$inferInsert): Promise<RunnerRow> {
  const [saved] = await db
    .insert(runners)
    .values(row)
    .onConflictDoUpdate({
      target: runners.id,
      set: {
        name: row.name,
        queues: row.queues,
        gpuType: row.gpuType,
        formats: row.formats,
        concurrency: row.concurrency,
        lastSeenAt: row.lastSeenAt,
      },
    })
    .returning();
  return saved!;
}

/** Runners heard from since `since` that pull from `queue`. */
export async function liveRunners(db: Queryable, queue: JobQueue, since: Date): Promise<RunnerRow[]> {
  return db
    .select()
    .from(runners)
    .where(and(gt(runners.lastSeenAt, since), sql`${runners.queues} @> ${JSON.stringify([queue])}::jsonb`));
}
