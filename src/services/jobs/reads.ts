import type { Actor } from "../../auth/actor";
import { roleIn } from "../../auth/policy";
import type { Deps } from "../../context";
import { findJob, metricsOf, type JobRow } from "../../db/jobs";
import { ApiError } from "../../errors";
import { whyNoRunner } from "./dispatch";

/** A job of the actor's workspace, with its metrics; a queued job says again why it waits. */
export async function getJob(deps: Deps, actor: Actor, jobId: string) {
  const job = await findJob(deps.db, jobId);
  if (!job || !(await roleIn(deps, actor, job.workspaceId))) throw new ApiError("NOT_FOUND", "Job not found");
  const waitingReason = job.status === "queued" ? await whyNoRunner(deps, job) : null;
  return { job: { ...job, waitingReason }, metrics: await metricsOf(deps.db, job.id) };
}

export async function storeJobOutput(deps: Deps, job: JobRow, claims: { attempt: number; key: string; size: number; ct: string }, body: ReadableStream): Promise<void> {
  if (job.attempt !== claims.attempt || (job.status !== "starting" && job.status !== "running")) {
    throw new ApiError("CONFLICT", "This output URL belongs to an attempt that no longer holds the job");
  }
  try {
    await deps.bucket.put(claims.key, body.pipeThrough(new FixedLengthStream(claims.size)), { httpMetadata: { contentType: claims.ct } });
  } catch {
    throw new ApiError("VALIDATION_ERROR", `Body did not carry exactly the ${claims.size} bytes the URL was signed for`);
  }
}
