import type { Deps } from "../../context";
import { findJob, takeJob, upsertRunner, type JobRow } from "../../db/jobs";
import type { JobQueue } from "../../db/schema";
import { ApiError } from "../../errors";
import { newId } from "../../ids";
import { jobOutputKey } from "../../storage/keys";
import { signTransfer } from "../../storage/signed-url";
import { giveUpJob } from "./callbacks";
import { leaseMs } from "./dispatch";
import { kindOf } from "./kinds";
import { jobSecret } from "./signing";
import { sourcesOf, transition } from "./state-machine";

const OUTPUT_URL_TTL_MS = 60 * 60 * 1000;

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
    (await takeJob(deps.db, jobId, { from: sourcesOf("claim"), now, runnerId, leaseId, leaseExpiresAt: new Date(now.getTime() + leaseMs(deps.env)) })) ??
    (await refuseClaim(deps, jobId, now));
  return {
    job: { id: claimed.id, kind: claimed.kind, attempt: claimed.attempt, maxAttempts: claimed.maxAttempts, modelId: claimed.modelId, gpuType: claimed.gpuType, spec: claimed.spec },
    leaseId,
    leaseExpiresAt: claimed.leaseExpiresAt!.toISOString(),
    webhookUrl: `${deps.baseUrl}/api/webhooks/jobs/${claimed.id}`,
    webhookSecret: await jobSecret(deps.env.SIGNING_SECRET, claimed.id),
    outputsUrl: `${deps.baseUrl}/internal/jobs/${claimed.id}/outputs`,
    inputs: await kindOf(claimed.kind).inputs(deps, claimed),
  };
}

/** Why a job could not be taken, as the error the runner gets (a job out of attempts fails here). */
async function refuseClaim(deps: Deps, jobId: string, now: Date): Promise<never> {
  const job = await findJob(deps.db, jobId);
  if (!job) throw new ApiError("NOT_FOUND", "Job not found");
  transition(job.status, "claim", { leaseLapsed: job.leaseExpiresAt !== null && job.leaseExpiresAt < now });
  if (job.attempt >= job.maxAttempts) {
    await giveUpJob(deps, job);
    throw new ApiError("CONFLICT", `Cannot claim job: out of attempts (${job.attempt} of ${job.maxAttempts})`);
  }
  throw new ApiError("CONFLICT", "Cannot claim job: another runner took it first");
}

/** The current lease holder gets a signed PUT URL for one output file of its attempt. */
export async function outputUrl(deps: Deps, jobId: string, request: { leaseId: string; name: string; size: number; contentType: string }) {
  const job = await heldJob(deps, jobId, request.leaseId);
  const key = jobOutputKey(job.workspaceId, job.id, job.attempt, request.name);
  const claims = { op: "output" as const, job: job.id, attempt: job.attempt, key, size: request.size, ct: request.contentType };
  const token = await signTransfer(deps.env.SIGNING_SECRET, claims, new Date(deps.now().getTime() + OUTPUT_URL_TTL_MS));
  return { key, uploadUrl: `${deps.baseUrl}/internal/jobs/${job.id}/outputs/object?token=${token}` };
}

/** A live job held under `leaseId`; a superseded or finished holder gets 409 and should stop. */
export async function heldJob(deps: Deps, jobId: string, leaseId: string): Promise<JobRow> {
  const job = await findJob(deps.db, jobId);
  if (!job) throw new ApiError("NOT_FOUND", "Job not found");
  if (job.leaseId !== leaseId) throw new ApiError("CONFLICT", "This lease no longer holds the job: another attempt took it over");
  if (job.status !== "starting" && job.status !== "running") throw new ApiError("CONFLICT", `The job is ${job.status}`);
  return job;
}
