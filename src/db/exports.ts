import { and, desc, eq, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import type { JobRow, NewJob } from "./jobs";
import { jobs, modelExports, type JobStatus } from "./schema";

export type ExportRow = typeof modelExports.$inferSelect;
export type JobOfExport = Pick<
  typeof jobs.$inferSelect,
  "id" | "status" | "error" | "startedAt" | "finishedAt" | "waitingReason" | "progress" | "attempt"
>;

/** An export with its job, whose status is the export's. */
export interface ExportView {
  export: ExportRow;
  job: JobOfExport;
}

const jobColumns = {
  id: jobs.id,
  status: jobs.status,
  error: jobs.error,
  startedAt: jobs.startedAt,
  finishedAt: jobs.finishedAt,
  waitingReason: jobs.waitingReason,
  progress: jobs.progress,
  attempt: jobs.attempt,
};

export async function insertExport(tx: Queryable, values: typeof modelExports.$inferInsert): Promise<ExportRow> {
  const [row] = await tx.insert(modelExports).values(values).returning();
  return row!;
}

/**
 * One statement: the export's job and its row, inserted together by a data-modifying CTE, so an
 * export is written in one round trip instead of a transaction's four.
 */
export async function insertJobWithExport(
  db: Queryable,
  job: NewJob,
  values: Omit<typeof modelExports.$inferInsert, "jobId">,
): Promise<{ job: JobRow; export: ExportRow }> {
  const newJob = db.$with("new_job").as(db.insert(jobs).values(job).returning());
  const newExport = db.$with("new_export").as(
    db
      .insert(modelExports)
      .values({ ...values, jobId: job.id! })
      .returning(),
  );
  const [row] = await db.with(newJob, newExport).select().from(newJob).crossJoin(newExport);
  return { job: row!.new_job, export: row!.new_export };
}

export async function findExport(db: Queryable, id: string): Promise<ExportView | undefined> {
  const [row] = await db
    .select({ export: modelExports, job: jobColumns })
    .from(modelExports)
    .innerJoin(jobs, eq(jobs.id, modelExports.jobId))
    .where(eq(modelExports.id, id));
  return row;
}

export async function findExportByJob(db: Queryable, jobId: string): Promise<ExportRow | undefined> {
  const [row] = await db.select().from(modelExports).where(eq(modelExports.jobId, jobId));
  return row;
}

export async function listExports(
  db: Queryable,
  params: { modelId: string; status?: JobStatus; limit: number },
): Promise<ExportView[]> {
  return db
    .select({ export: modelExports, job: jobColumns })
    .from(modelExports)
    .innerJoin(jobs, eq(jobs.id, modelExports.jobId))
    .where(and(eq(modelExports.modelId, params.modelId), params.status ? eq(jobs.status, params.status) : undefined))
    .orderBy(desc(modelExports.createdAt), desc(modelExports.id))
    .limit(params.limit);
}

/** A live (queued or running) export of the same format and arguments: a second request reuses it. */
export async function activeExport(
  db: Queryable,
  modelId: string,
  format: string,
  args: Record<string, unknown>,
): Promise<ExportView | undefined> {
  const [row] = await db
    .select({ export: modelExports, job: jobColumns })
    .from(modelExports)
    .innerJoin(jobs, eq(jobs.id, modelExports.jobId))
    .where(
      and(
        eq(modelExports.modelId, modelId),
        eq(modelExports.format, format as ExportRow["format"]),
        sql`${modelExports.args} = ${JSON.stringify(args)}::jsonb`,
        sql`${jobs.status} in ('queued', 'starting', 'running')`,
      ),
    )
    .limit(1);
  return row;
}

export async function setExportFile(
  tx: Queryable,
  id: string,
  file: { objectKey: string; sizeBytes: number; downloadFilename: string },
): Promise<void> {
  await tx
    .update(modelExports)
    .set({ ...file, updatedAt: sql`now()` })
    .where(eq(modelExports.id, id));
}

export async function deleteExportRow(tx: Queryable, id: string): Promise<void> {
  await tx.delete(modelExports).where(eq(modelExports.id, id));
}

export async function countExportDownload(db: Queryable, id: string): Promise<void> {
  await db
    .update(modelExports)
    .set({ downloadCount: sql`${modelExports.downloadCount} + 1` })
    .where(eq(modelExports.id, id));
}
