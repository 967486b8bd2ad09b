import type { Deps } from "../../context";
import type { Queryable } from "../../db/client";
import { insertJob, liveRunners, moveJob, type JobRow, type NewJob } from "../../db/jobs";
import type { JobQueue } from "../../db/schema";
import type { Env } from "../../env";
import { ApiError } from "../../errors";
import { newId } from "../../ids";
import { sourcesOf } from "./state-machine";

/** A runner that has not been heard from for this long is not counted as live. */
export const RUNNER_LIVE_MS = 90_000;

/** How long a claim holds a job without a heartbeat (JOB_LEASE_SECONDS, default 60). */
export function leaseMs(env: Env): number {
  return (Number(env.JOB_LEASE_SECONDS) || 60) * 1000;
}

export type JobInput = Pick<NewJob, "kind" | "workspaceId" | "modelId" | "queue" | "spec" | "gpuType" | "maxAttempts">;

/** Each queue's producer binding (wrangler.toml). */
const QUEUE_BINDINGS = { "gpu-jobs": "GPU_JOBS", "cli-jobs": "CLI_JOBS", "cpu-jobs": "CPU_JOBS", "predict-jobs": "PREDICT_JOBS" } as const satisfies Record<JobQueue, keyof Env>;

export function queueOf(env: Env, queue: JobQueue): Queue | undefined {
  return env[QUEUE_BINDINGS[queue]];
}

/**
 * Creates a job and queues it: the row (with whatever `alsoInTransaction` adds, such as the export
 * row or a credit reservation) commits first, then `{jobId}` goes to the queue of its capability
 * class. A queue that refuses the message fails the job and answers 503.
 */
export async function enqueueJob(deps: Deps, input: JobInput, alsoInTransaction?: (tx: Queryable, job: JobRow) => Promise<void>): Promise<JobRow> {
  const id = newId("job");
  const waitingReason = await whyNoRunner(deps, input);
  const job = await deps.db.transaction(async (tx) => {
    const row = await insertJob(tx, { ...input, id, status: "queued", waitingReason });
    await alsoInTransaction?.(tx, row);
    return row;
  });
  await sendJob(deps, job);
  return job;
}

export async function sendJob(deps: Deps, job: Pick<JobRow, "id" | "queue" | "kind" | "spec">): Promise<void> {
  const queue = queueOf(deps.env, job.queue);
  try {
    if (!queue) throw new Error(`no binding for queue ${job.queue}`);
    // The kind (and format) let a runner leave a job it cannot run to one that can, unclaimed.
    const format = typeof job.spec.format === "string" ? job.spec.format : undefined;
    // JSON so that HTTP pull consumers can read it.
    await queue.send({ jobId: job.id, kind: job.kind, ...(format ? { format } : {}) }, { contentType: "json" });
  } catch (error) {
    await moveJob(deps.db, job.id, { from: sourcesOf("fail") }, { status: "failed", error: { message: "The job queue is unavailable", timestamp: deps.now().toISOString() }, finishedAt: deps.now() });
    console.error(`[jobs] could not queue ${job.id}:`, error instanceof Error ? error.message : error);
    throw new ApiError("SERVICE_UNAVAILABLE", "The job queue is unavailable; try again shortly");
  }
}

/** Says why a job would wait: no live runner pulls its queue (with its format or GPU, where it needs one). */
export async function whyNoRunner(deps: Deps, input: Pick<JobInput, "queue" | "spec" | "gpuType">): Promise<string | null> {
  const since = new Date(deps.now().getTime() - RUNNER_LIVE_MS);
  const runners = await liveRunners(deps.db, input.queue, since);
  if (!runners.length) return `No live runner pulls from ${input.queue}; the job waits until one starts`;
  const format = typeof input.spec.format === "string" ? input.spec.format : undefined;
  if (format && !runners.some((runner) => runner.formats.includes(format))) return `No live runner can export ${format}; the job waits until one starts`;
  return null;
}
