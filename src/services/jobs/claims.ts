import type { Deps } from "../../context";
import { findJob, takeJob, upsertRunner } from "../../db/jobs";
import type { JobQueue } from "../../db/schema";
import { ApiError } from "../../errors";
import { newId } from "../../ids";
import { giveUpJob } from "./callbacks";
import { forgetLiveRunners, leaseMs } from "./dispatch";
import { kindOf } from "./kinds";
import { jobSecret } from "./signing";
import { jobConflict, sourcesOf, transition } from "./state-machine";

export interface RunnerHello {
  runnerId?: string;
  name: string;
  queues: JobQueue[];
  gpuType?: string;
  formats: string[];
  concurrency: number;
}

/** A runner says it is alive and what it can do; the API counts it as live for RUNNER_LIVE_MS. */
export async function registerRunner(deps: Deps, hello: RunnerHello) {
  const runner = await upsertRunner(deps.db, {
    id: hello.runnerId ?? newId("runner"),
    name: hello.name,
    queues: hello.queues,
    gpuType: hello.gpuType ?? null,
    formats: hello.formats,
    concurrency: hello.concurrency,
    lastSeenAt: deps.now(),
  });
  if (!hello.runnerId) forgetLiveRunners();
  return { runnerId: runner.id, leaseMs: leaseMs(deps.env) };
}

/**
 * A runner takes a job it pulled from the queue: a queued job, or one whose lease lapsed (its
 * runner died), becomes attempt n+1 under a new lease. Terminal jobs are refused with 409 (the
 * runner acks the message and moves on); a job out of attempts fails here.
 */
export async function claimJob(deps: Deps, jobId: string, runnerId: string) {
  const now = deps.now();
  const leaseId = crypto.randomUUID();
  const claimed =
    (await takeJob(deps.db, jobId, {
      from: sourcesOf("claim"),
      now,
      runnerId,
      leaseId,
      leaseExpiresAt: new Date(now.getTime() + leaseMs(deps.env)),
    })) ?? (await refuseClaim(deps, jobId, now));
  return {
    job: {
      id: claimed.id,
      kind: claimed.kind,
      attempt: claimed.attempt,
      maxAttempts: claimed.maxAttempts,
      modelId: claimed.modelId,
      gpuType: claimed.gpuType,
      spec: claimed.spec,
    },
    leaseId,
    leaseExpiresAt: claimed.leaseExpiresAt!.toISOString(),
    webhookUrl: `${deps.baseUrl}/api/webhooks/jobs/${claimed.id}`,
    webhookSecret: await jobSecret(deps.env.SIGNING_SECRET, claimed.id),
    outputsUrl: `${deps.baseUrl}/internal/jobs/${claimed.id}/outputs`,
    inputs: await kindOf(claimed.kind).inputs(deps, claimed),
    ...(kindOf(claimed.kind).env ? { env: await kindOf(claimed.kind).env!(deps, claimed) } : {}),
  };
}

/** Why a job could not be taken, as the error the runner gets (a job out of attempts fails here). */
async function refuseClaim(deps: Deps, jobId: string, now: Date): Promise<never> {
  const job = await findJob(deps.db, jobId);
  if (!job) throw new ApiError("NOT_FOUND", "Job not found");
  transition(job.status, "claim", { leaseLapsed: job.leaseExpiresAt !== null && job.leaseExpiresAt < now });
  if (job.attempt >= job.maxAttempts) {
    await giveUpJob(deps, job);
    throw jobConflict("finished", `Cannot claim job: out of attempts (${job.attempt} of ${job.maxAttempts})`);
  }
  throw jobConflict("lease-held", "Cannot claim job: another runner took it first");
}
