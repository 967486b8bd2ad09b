import type { QueueMessageBody } from "../../protocol/jobs";
import type { Deps } from "../../context";
import { settingsOf } from "../../settings";
import type { Database } from "../../db/client";
import { insertJob, liveRunners, type JobRow, type NewJob, type RunnerRow } from "../../db/jobs";
import type { JobQueue } from "../../db/schema";
import type { Env } from "../../env";
import { ApiError } from "../../errors";
import { newId } from "../../ids";
import { signalQueued } from "./job-signal";
import { moveJob } from "./state-machine";

/** A runner that has not been heard from for this long is not counted as live. */
export const RUNNER_LIVE_MS = 90_000;

/** How long a claim holds a job without a heartbeat (JOB_LEASE_SECONDS, default 60). */
export function leaseMs(env: Env): number {
  return settingsOf(env).JOB_LEASE_SECONDS * 1000;
}

export type JobInput = Pick<NewJob, "kind" | "workspaceId" | "modelId" | "queue" | "spec" | "gpuType" | "maxAttempts">;

/** Each queue's producer binding (wrangler.toml). */
const QUEUE_BINDINGS = {
  "gpu-jobs": "GPU_JOBS",
  "cli-jobs": "CLI_JOBS",
  "cpu-jobs": "CPU_JOBS",
  "predict-jobs": "PREDICT_JOBS",
} as const satisfies Record<JobQueue, keyof Env>;

export function queueOf(env: Env, queue: JobQueue): Queue | undefined {
  return env[QUEUE_BINDINGS[queue]];
}

/**
 * Writes a new job's row and whatever must commit with it (an export row, a credit reservation),
 * answering the job row and what else the caller wants back.
 */
export type JobWriter<T extends { job: JobRow }> = (db: Database, job: NewJob) => Promise<T>;

/** The lone insert: one statement, no transaction round trips. */
const insertOnly: JobWriter<{ job: JobRow }> = async (db, job) => ({ job: await insertJob(db, job) });

/**
 * Creates a job and queues it: the row commits first (through `write`), then `{jobId}` goes to
 * the queue of its capability class. A queue that refuses the message fails the job and answers 503.
 */
export async function enqueueJob(deps: Deps, input: JobInput): Promise<{ job: JobRow }>;
export async function enqueueJob<T extends { job: JobRow }>(
  deps: Deps,
  input: JobInput,
  write: JobWriter<T>,
): Promise<T>;
export async function enqueueJob(
  deps: Deps,
  input: JobInput,
  write: JobWriter<{ job: JobRow }> = insertOnly,
): Promise<{ job: JobRow }> {
  const written = await write(deps.db, {
    ...input,
    id: newId("job"),
    status: "queued",
    waitingReason: await whyNoRunner(deps, input),
  });
  await sendJob(deps, written.job);
  return written;
}

export async function sendJob(
  deps: Deps,
  job: Pick<JobRow, "id" | "queue" | "kind" | "spec" | "gpuType">,
): Promise<void> {
  const queue = queueOf(deps.env, job.queue);
  try {
    if (!queue) throw new Error(`no binding for queue ${job.queue}`);
    // The kind (and format) let a runner leave a job it cannot run to one that can, unclaimed.
    const format = typeof job.spec.format === "string" ? job.spec.format : undefined;
    // JSON so that HTTP pull consumers can read it.
    const body: QueueMessageBody = {
      jobId: job.id,
      kind: job.kind,
      ...(format ? { format } : {}),
      ...(job.kind === "train" && job.gpuType ? { gpuType: job.gpuType } : {}),
    };
    await queue.send(body, { contentType: "json" });
    // Idle runners of this queue pull at once rather than at their next poll (a hint; off the answer's path).
    deps.waitUntil(signalQueued(deps.env, job.queue).catch(() => {}));
  } catch (error) {
    const failure = { message: "The job queue is unavailable", timestamp: deps.now().toISOString() };
    await moveJob(deps.db, job.id, "fail", { error: failure, finishedAt: deps.now() }, {}, deps.env);
    console.error(`[jobs] could not queue ${job.id}:`, error instanceof Error ? error.message : error);
    throw new ApiError("SERVICE_UNAVAILABLE", "The job queue is unavailable; try again shortly");
  }
}

/**
 * The live runners of each queue, remembered by this isolate for a few seconds so that creating a
 * job costs no query for them; a new runner's first heartbeat here forgets them at once.
 */
const LIVE_RUNNERS_TTL_MS = 5_000;
// Plain rows only: a promise of another request's I/O must not be awaited across requests in workerd.
const liveRunnerCache = new Map<JobQueue, { at: number; runners: RunnerRow[] }>();

export function forgetLiveRunners(): void {
  liveRunnerCache.clear();
}

async function liveRunnersOf(deps: Deps, queue: JobQueue): Promise<RunnerRow[]> {
  const now = deps.now().getTime();
  const cached = liveRunnerCache.get(queue);
  if (cached && now >= cached.at && now - cached.at < LIVE_RUNNERS_TTL_MS) return cached.runners;
  const runners = await liveRunners(deps.db, queue, new Date(now - RUNNER_LIVE_MS));
  liveRunnerCache.set(queue, { at: now, runners });
  return runners;
}

/** Says why a job would wait: no live runner pulls its queue (with its format or GPU, where it needs one). */
export async function whyNoRunner(
  deps: Deps,
  input: Pick<JobInput, "queue" | "spec" | "gpuType">,
): Promise<string | null> {
  const runners = await liveRunnersOf(deps, input.queue);
  if (!runners.length) return `No live runner pulls from ${input.queue}; the job waits until one starts`;
  const format = typeof input.spec.format === "string" ? input.spec.format : undefined;
  if (format && !runners.some((runner) => runner.formats.includes(format)))
    return `No live runner can export ${format}; the job waits until one starts`;
  return null;
}
