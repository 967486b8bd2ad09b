import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { trainingConsole, trainingEpochs, trainingRuns } from "./schema";

export type RunRow = typeof trainingRuns.$inferSelect;
export type NewRun = typeof trainingRuns.$inferInsert;
export type EpochRow = typeof trainingEpochs.$inferSelect;

export async function insertRun(db: Queryable, values: NewRun): Promise<RunRow> {
  const [row] = await db.insert(trainingRuns).values(values).returning();
  return row!;
}

/** The model's newest run. */
export async function latestRun(db: Queryable, modelId: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(trainingRuns)
    .where(eq(trainingRuns.modelId, modelId))
    .orderBy(desc(trainingRuns.startedAt))
    .limit(1);
  return row;
}

export async function updateRun(db: Queryable, id: string, changes: Partial<NewRun>): Promise<RunRow | undefined> {
  const [row] = await db.update(trainingRuns).set(changes).where(eq(trainingRuns.id, id)).returning();
  return row;
}

/** An epoch's row, replaced when the same epoch is sent again (a retry). */
export async function upsertEpoch(db: Queryable, row: typeof trainingEpochs.$inferInsert): Promise<void> {
  await db
    .insert(trainingEpochs)
    .values(row)
    .onConflictDoUpdate({
      target: [trainingEpochs.runId, trainingEpochs.epoch],
      set: { metrics: row.metrics, fitness: row.fitness, bestFitness: row.bestFitness },
    });
}

export async function epochsOf(db: Queryable, runId: string): Promise<EpochRow[]> {
  return db.select().from(trainingEpochs).where(eq(trainingEpochs.runId, runId)).orderBy(asc(trainingEpochs.epoch));
}

/** The run's newest epoch row and how many it has. */
export async function lastEpoch(db: Queryable, runId: string): Promise<{ row?: EpochRow; count: number }> {
  const [row] = await db
    .select({ row: trainingEpochs, count: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(trainingEpochs)
    .where(eq(trainingEpochs.runId, runId))
    .orderBy(desc(trainingEpochs.epoch))
    .limit(1);
  return { row: row?.row, count: row?.count ?? 0 };
}

/** A console chunk, once: the same chunkId again is ignored. */
export async function addConsoleChunk(db: Queryable, row: typeof trainingConsole.$inferInsert): Promise<void> {
  await db.insert(trainingConsole).values(row).onConflictDoNothing();
}

/** The newest `limit` chunks after `afterSeq`, oldest first. */
export async function consoleTail(db: Queryable, runId: string, limit: number, afterSeq = 0) {
  const rows = await db
    .select()
    .from(trainingConsole)
    .where(and(eq(trainingConsole.runId, runId), gt(trainingConsole.seq, afterSeq)))
    .orderBy(desc(trainingConsole.seq))
    .limit(limit);
  return rows.reverse();
}
