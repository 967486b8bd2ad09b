import type { Actor } from "../../auth/actor";
import { roleIn } from "../../auth/policy";
import type { Deps } from "../../context";
import { findJob, metricsOf } from "../../db/jobs";
import { ApiError } from "../../errors";
import { whyNoRunner } from "./dispatch";

/** A job of the actor's workspace, with its metrics; a queued job says again why it waits. */
export async function getJob(deps: Deps, actor: Actor, jobId: string) {
  const job = await findJob(deps.db, jobId);
  if (!job || !(await roleIn(deps, actor, job.workspaceId))) throw new ApiError("NOT_FOUND", "Job not found");
  const waitingReason = job.status === "queued" ? await whyNoRunner(deps, job) : null;
  return { job: { ...job, waitingReason }, metrics: await metricsOf(deps.db, job.id) };
}
