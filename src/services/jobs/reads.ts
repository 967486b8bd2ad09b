import type { Actor } from "../../auth/actor";
import { canEdit, roleIn } from "../../auth/policy";
import type { Deps } from "../../context";
import { findJob, metricsOf } from "../../db/jobs";
import { ApiError } from "../../errors";
import { whyNoRunner } from "./dispatch";

export const JOB_FAILED = "The job failed on the runner";

/** A job of the actor's workspace, with its metrics; a queued job says again why it waits. */
export async function getJob(deps: Deps, actor: Actor, jobId: string) {
  const job = await findJob(deps.db, jobId);
  const role = job ? await roleIn(deps, actor, job.workspaceId) : null;
  if (!job || !role) throw new ApiError("NOT_FOUND", "Job not found");
  const waitingReason = job.status === "queued" ? await whyNoRunner(deps, job) : null;
  // A runner's own words (paths, library output) only for editors; a viewer sees that it failed.
  const error = job.error && !canEdit(role) ? { ...job.error, message: JOB_FAILED } : job.error;
  return { job: { ...job, error, waitingReason }, metrics: await metricsOf(deps.db, job.id) };
}
