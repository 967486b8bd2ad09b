import type { Queryable } from "../../db/client";
import { updateJobIf, type JobRow, type NewJob } from "../../db/jobs";
import type { JobStatus } from "../../db/schema";
import { ApiError } from "../../errors";
import type { Env } from "../../env";
import { jobEnded } from "./kinds";
import type { ConflictReason } from "../../protocol/jobs";

/** A 409 a runner acts on by its `details.reason` (src/protocol/jobs.ts), not its words. */
export function jobConflict(reason: ConflictReason, message: string): ApiError {
  return new ApiError("CONFLICT", message, {}, { reason });
}

/**
 * The one job state machine, for every kind of job:
 *
 *   queued -> starting -> running -> completed | failed | cancelled
 *
 * `claim` takes a queued job, or one whose lease lapsed (its runner died), as attempt n+1.
 * `lapse` hands a job whose lease ran out back to the queue. Terminal states never reopen.
 */
export type JobEvent = "claim" | "start" | "complete" | "fail" | "cancel" | "lapse" | "touch";

const TERMINAL: ReadonlySet<JobStatus> = new Set(["completed", "failed", "cancelled"]);

/** `touch` (a heartbeat, progress) keeps the status: `to` null. */
const TRANSITIONS: Record<JobEvent, { from: readonly JobStatus[]; to: JobStatus | null }> = {
  claim: { from: ["queued", "starting", "running"], to: "starting" },
  start: { from: ["starting"], to: "running" },
  complete: { from: ["starting", "running"], to: "completed" },
  fail: { from: ["queued", "starting", "running"], to: "failed" },
  cancel: { from: ["queued", "starting", "running"], to: "cancelled" },
  lapse: { from: ["starting", "running"], to: "queued" },
  touch: { from: ["starting", "running"], to: null },
};

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL.has(status);
}

/** The statuses `event` may leave from; the database update is conditioned on one of them. */
export function sourcesOf(event: JobEvent): readonly JobStatus[] {
  return TRANSITIONS[event].from;
}

/**
 * The status after `event`, or a CONFLICT naming the illegal move. A claim of a job another
 * runner still holds is illegal until that lease lapses.
 */
export function transition(status: JobStatus, event: JobEvent, context: { leaseLapsed?: boolean } = {}): JobStatus {
  const rule = TRANSITIONS[event];
  const allowed = rule.from.includes(status) && !(event === "claim" && status !== "queued" && !context.leaseLapsed);
  if (!allowed) {
    const why = isTerminal(status)
      ? `the job is already ${status}`
      : event === "claim"
        ? "another runner holds its lease"
        : `it is ${status}`;
    const reason =
      status === "cancelled"
        ? "cancelled"
        : isTerminal(status)
          ? "finished"
          : event === "claim"
            ? "lease-held"
            : "superseded";
    throw jobConflict(reason, `Cannot ${event} job: ${why}`);
  }
  return rule.to ?? status;
}

/**
 * Applies `event` to a job in one compare-and-set: from the table's sources (and, when given, only
 * while `leaseId` still holds it) to the table's target, with `changes`. Undefined when the job
 * had already moved on: the caller decides whether that is a conflict.
 */
export async function moveJob(
  tx: Queryable,
  jobId: string,
  event: JobEvent,
  changes: Omit<Partial<NewJob>, "status"> = {},
  guard: { leaseId?: string } = {},
  /** Lets the kind's ended hook reach bindings (a training job's key gate), where the caller has them. */
  env?: Env,
): Promise<JobRow | undefined> {
  const rule = TRANSITIONS[event];
  const moved = await updateJobIf(
    tx,
    jobId,
    { from: rule.from, leaseId: guard.leaseId },
    { ...changes, ...(rule.to ? { status: rule.to } : {}) },
  );
  if (moved && (rule.to === "failed" || rule.to === "cancelled")) await jobEnded(tx, moved, env);
  return moved;
}
