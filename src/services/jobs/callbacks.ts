import type { Deps } from "../../context";
import { keepJobOutputs } from "../../db/job-outputs";
import { appendLogs, findJob, recordEvent, upsertMetrics, type JobRow } from "../../db/jobs";
import { ApiError } from "../../errors";
import { wakeWaiter } from "./job-waiter";
import { releaseCredits, settleCredits } from "../credits";
import { leaseMs } from "./dispatch";
import type { JobCallback } from "../../protocol/jobs";
import { checkOutputs, kindOf } from "./kinds";
import { safeEqual } from "../../crypto";
import { signCallback } from "../../protocol/jobs";
import { jobSecret } from "./signing";
import { jobConflict, moveJob, transition } from "./state-machine";

/** Callbacks older or newer than this are refused: a captured request cannot be replayed later. */
export const CALLBACK_SKEW_SECONDS = 300;

/** Checks the timestamp and HMAC of a callback against the job's secret, before its body is trusted. */
export async function verifyCallback(
  deps: Deps,
  jobId: string,
  headers: { timestamp?: string; signature?: string },
  rawBody: string,
): Promise<JobRow> {
  const job = await findJob(deps.db, jobId);
  // An unknown job and a bad signature look alike to the caller.
  const refuse = (why: string) => new ApiError("UNAUTHORIZED", `Callback refused: ${why}`);
  if (!headers.timestamp || !headers.signature)
    throw refuse("X-EdgeHub-Timestamp and X-EdgeHub-Signature are required");
  const timestamp = Number(headers.timestamp);
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > CALLBACK_SKEW_SECONDS)
    throw refuse("stale or invalid timestamp");
  const expected = await signCallback(await jobSecret(deps.env.SIGNING_SECRET, jobId), timestamp, rawBody);
  if (!job || !safeEqual(expected, headers.signature)) throw refuse("bad signature");
  return job;
}

/**
 * Applies one callback. A duplicate (same event id) changes nothing; an event of a superseded
 * attempt or lease, or for a job that was cancelled, answers 409 so the runner stops.
 */
export async function applyCallback(deps: Deps, job: JobRow, event: JobCallback) {
  if (event.attempt !== job.attempt || event.leaseId !== job.leaseId) {
    throw jobConflict(
      "superseded",
      `Attempt ${event.attempt} no longer holds this job (now attempt ${job.attempt}, ${job.status})`,
    );
  }
  if (event.type === "completed") await checkOutputs(deps, job, event.outputs);
  const now = deps.now();
  const lease = { leaseExpiresAt: new Date(now.getTime() + leaseMs(deps.env)) };

  const applied = await deps.db.transaction(async (tx) => {
    const fresh = await recordEvent(tx, {
      jobId: job.id,
      eventId: event.eventId,
      attempt: event.attempt,
      type: event.type,
      payload: summaryOf(event),
    });
    if (!fresh) return { duplicate: true, status: job.status };
    if (job.status === "cancelled") throw jobConflict("cancelled", "The job was cancelled: stop working on it");
    const guard = { leaseId: job.leaseId! };

    switch (event.type) {
      case "started": {
        transition(job.status, "start");
        const moved = await moveJob(tx, job.id, "start", { startedAt: job.startedAt ?? now, ...lease }, guard);
        return { duplicate: false, status: moved?.status ?? job.status };
      }
      case "released": {
        // A runner shutting down hands the job back: claimable at once as the next attempt.
        transition(job.status, "lapse");
        const moved = await moveJob(
          tx,
          job.id,
          "lapse",
          { leaseId: null, leaseExpiresAt: null, runnerId: null },
          guard,
        );
        return { duplicate: false, status: moved?.status ?? job.status };
      }
      case "heartbeat":
      case "progress":
      case "log":
      case "metrics": {
        if (event.type === "metrics")
          await upsertMetrics(tx, { jobId: job.id, step: event.step, attempt: event.attempt, metrics: event.metrics });
        if (event.type === "log")
          await appendLogs(
            tx,
            event.lines.map((line) => ({ jobId: job.id, attempt: event.attempt, seq: line.seq, line: line.line })),
          );
        const progress = event.type === "progress" ? { progress: event.progress } : {};
        const moved = await moveJob(tx, job.id, "touch", { ...lease, ...progress }, guard);
        if (!moved) throw jobConflict("finished", "The job is no longer running");
        return { duplicate: false, status: moved.status, leaseExpiresAt: moved.leaseExpiresAt!.toISOString() };
      }
      case "completed": {
        const to = transition(job.status, "complete");
        const moved = await moveJob(
          tx,
          job.id,
          "complete",
          {
            result: event.result,
            finishedAt: now,
            gpuSeconds: event.gpuSeconds ?? null,
            leaseExpiresAt: null,
          },
          guard,
        );
        if (!moved) throw jobConflict("finished", "The job is no longer running");
        await keepJobOutputs(
          tx,
          job.id,
          event.outputs.map((output) => output.key),
        );
        await kindOf(job.kind).complete(tx, deps, moved, { outputs: event.outputs, result: event.result });
        if (job.queue === "gpu-jobs") await settleCredits(tx, job, event.gpuSeconds ?? 0);
        return { duplicate: false, status: to };
      }
      case "failed": {
        const to = transition(job.status, "fail");
        const error = {
          message: event.error.message.slice(0, 4000),
          ...(event.error.code ? { code: event.error.code } : {}),
          timestamp: now.toISOString(),
        };
        const changes = { error, finishedAt: now, leaseExpiresAt: null };
        const moved = await moveJob(tx, job.id, "fail", changes, guard, deps.env);
        if (!moved) throw jobConflict("finished", "The job is no longer running");
        await releaseCredits(tx, job);
        return { duplicate: false, status: to };
      }
    }
  });
  if (!applied.duplicate && (event.type === "completed" || event.type === "failed"))
    await wakeWaiter(
      deps.env,
      job.id,
      event.type === "completed"
        ? { status: "completed", result: event.result }
        : { status: "failed", error: event.error.message },
    );
  return applied;
}

/** What the event log keeps: the event without bulky payloads. */
function summaryOf(event: JobCallback): Record<string, unknown> {
  switch (event.type) {
    case "log":
      return { lines: event.lines.length };
    case "completed":
      return { outputs: event.outputs.map((output) => output.name) };
    default:
      return { ...event };
  }
}

/**
 * Ends a job whose runners stopped reporting and that has no attempt left: failed, its credits
 * released, a waiting request woken. Used by the claim that finds it so and by the hourly sweep.
 */
export async function giveUpJob(deps: Deps, job: JobRow): Promise<boolean> {
  const now = deps.now();
  const error = {
    message: `Gave up after ${job.attempt} attempts: the runner stopped reporting`,
    timestamp: now.toISOString(),
  };
  const moved = await deps.db.transaction(async (tx) => {
    const row = await moveJob(
      tx,
      job.id,
      "fail",
      { error, finishedAt: now, leaseExpiresAt: null },
      { leaseId: job.leaseId ?? undefined },
      deps.env,
    );
    if (row) await releaseCredits(tx, job);
    return row;
  });
  if (moved) await wakeWaiter(deps.env, job.id, { status: "failed", error: error.message });
  return Boolean(moved);
}

/** The job's owner cancels it; the runner learns on its next callback (409) and stops. */
export async function cancelJob(deps: Deps, job: JobRow): Promise<JobRow> {
  transition(job.status, "cancel");
  const cancelled = await deps.db.transaction(async (tx) => {
    const moved = await moveJob(tx, job.id, "cancel", { finishedAt: deps.now() }, {}, deps.env);
    if (!moved) throw jobConflict("finished", "The job already finished");
    await releaseCredits(tx, job);
    return moved;
  });
  await wakeWaiter(deps.env, job.id, { status: "cancelled", error: "The job was cancelled" });
  return cancelled;
}
