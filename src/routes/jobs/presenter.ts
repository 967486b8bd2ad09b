import type { getJob } from "../../services/jobs/reads";

type JobView = Awaited<ReturnType<typeof getJob>>;

/** The one presenter of a job, as its owner reads it (GET /api/jobs/{jobId}). */
export function toJob({ job, metrics }: JobView) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    attempt: job.attempt,
    modelId: job.modelId,
    progress: job.progress,
    result: job.result,
    error: job.error,
    waitingReason: job.waitingReason,
    metrics: metrics.map((row) => ({ step: row.step, metrics: row.metrics })),
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
