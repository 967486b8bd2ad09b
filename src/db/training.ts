import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { liveModel, refMatches, type ModelRef } from "./models";
import { models, projects, trainingConsole, trainingEpochs, trainingRuns, workspaces, type RunStatus } from "./schema";

export type RunRow = typeof trainingRuns.$inferSelect;
export type NewRun = typeof trainingRuns.$inferInsert;
export type EpochRow = typeof trainingEpochs.$inferSelect;

export async function insertRun(db: Queryable, values: NewRun): Promise<RunRow> {
  const [row] = await db.insert(trainingRuns).values(values).returning();
  return row!;
}

export async function deleteRunsOf(db: Queryable, modelId: string): Promise<void> {
  await db.delete(trainingRuns).where(eq(trainingRuns.modelId, modelId));
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

/** What an event needs, in one query: the model, what authorizing a write to it takes, and its newest run. */
export async function eventTarget(db: Queryable, ref: ModelRef) {
  const newest = (column: string) =>
    sql.raw(
      `(select r.${column} from training_runs r where r.model_id = "models"."id" order by r.started_at desc limit 1)`,
    );
  const [row] = await db
    .select({
      id: models.id,
      workspaceId: models.workspaceId,
      visibility: sql<
        "public" | "private"
      >`case when ${models.visibility} = 'public' and ${projects.visibility} = 'public' then 'public' else 'private' end`,
      runId: sql<string | null>`${newest("id")}`,
      runStatus: sql<RunStatus | null>`${newest("status")}`,
      cancelRequested: sql<boolean>`${newest("cancel_requested_at")} is not null`,
    })
    .from(models)
    .innerJoin(projects, eq(projects.id, models.projectId))
    .innerJoin(workspaces, eq(workspaces.id, models.workspaceId))
    .where(and(refMatches(ref), liveModel))
    .limit(1);
  return row;
}

/**
 * An epoch_end in one statement: the epoch's row (replaced on a retry), the run's newest system
 * stats, and, while the run is running, the model's newest metrics.
 */
export async function recordEpoch(
  db: Queryable,
  epoch: {
    runId: string;
    modelId: string;
    epoch: number;
    metrics: Record<string, number | null>;
    fitness: number | null;
    bestFitness: number | null;
    system?: Record<string, unknown>;
    modelInfo?: Record<string, unknown>;
    /** Set while the run is running: what the model shows. */
    modelMetrics?: Record<string, number>;
    now: Date;
  },
): Promise<void> {
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  await db.execute(sql`
    with saved as (
      insert into training_epochs (run_id, epoch, metrics, fitness, best_fitness)
      values (${epoch.runId}, ${epoch.epoch}, ${json(epoch.metrics)}::jsonb, ${epoch.fitness}, ${epoch.bestFitness})
      on conflict (run_id, epoch) do update
        set metrics = excluded.metrics, fitness = excluded.fitness, best_fitness = excluded.best_fitness
      returning 1
    ), touched as (
      update training_runs
        set system = coalesce(${json(epoch.system)}::jsonb, system),
            model_info = coalesce(${json(epoch.modelInfo)}::jsonb, model_info),
            updated_at = ${epoch.now.toISOString()}::timestamptz
        where id = ${epoch.runId}
      returning 1
    )
    update models set metrics = ${json(epoch.modelMetrics)}::jsonb, updated_at = ${epoch.now.toISOString()}::timestamptz
      where id = ${epoch.modelId} and ${epoch.modelMetrics !== undefined}`);
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

/**
 * Ends as failed the running runs that no job watches (the package's own runs and HUB sessions)
 * and that have said nothing since `cutoff`: no event, heartbeat or console line. Their models
 * fail with them unless something else has happened to them since. Answers the runs ended.
 */
export async function failSilentRuns(
  db: Queryable,
  cutoff: Date,
  error: { message: string; code: string; timestamp: string },
): Promise<string[]> {
  const at = error.timestamp;
  const ended = await db.execute<{ id: string }>(sql`
    with silent as (
      update training_runs r
        set status = 'failed', error = ${JSON.stringify(error)}::jsonb, finished_at = ${at}::timestamptz,
            updated_at = ${at}::timestamptz
        where r.status = 'running' and r.job_id is null and r.updated_at < ${cutoff.toISOString()}::timestamptz
          and not exists (
            select 1 from training_console c
            where c.run_id = r.id and c.created_at >= ${cutoff.toISOString()}::timestamptz)
      returning r.id, r.model_id
    ), failed_models as (
      update models m
        set status = 'failed', training_error = ${JSON.stringify(error)}::jsonb, updated_at = ${at}::timestamptz
        from silent s
        where m.id = s.model_id and m.status = 'running'
      returning m.id
    )
    select id from silent`);
  return ended.rows.map((row) => row.id);
}
