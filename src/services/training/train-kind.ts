/**
 * What the job pipeline does for a `train` job: the claim carries the job's own key and where
 * the API is (the runner hands both to `yolo train`), a redelivered job resumes from the
 * `last.pt` an earlier attempt uploaded, and however the job ends its key is revoked, the model
 * and its run show the outcome, and its credits are settled for the time it ran.
 */
import type { Deps } from "../../context";
import type { Queryable } from "../../db/client";
import type { JobRow } from "../../db/jobs";
import { currentFiles, findModel, updateModelFields } from "../../db/models";
import { latestRun, updateRun } from "../../db/training";
import type { Env } from "../../env";
import { signedDownloadUrl } from "../../storage/signed-url";
import { settleCredits } from "../credits";
import type { SignedInput } from "../jobs/kinds";
import { jobKey, revokeJobKey } from "./job-keys";

const RESUME_URL_MS = 6 * 60 * 60 * 1000;

export async function trainEnv(deps: Deps, job: JobRow): Promise<Record<string, string>> {
  return { ULTRALYTICS_PLATFORM_URL: deps.baseUrl, ULTRALYTICS_API_KEY: await jobKey(deps.env, job.id) };
}

/** A later attempt continues from the model's newest last.pt, when an earlier attempt sent one. */
export async function trainInputs(deps: Deps, job: JobRow): Promise<Record<string, SignedInput>> {
  if (job.attempt <= 1 || !job.modelId) return {};
  const last = (await currentFiles(deps.db, job.modelId)).find((file) => file.name === "last.pt");
  // Only a checkpoint of this job's own earlier attempts: one from before it is another run's.
  if (!last || last.createdAt < job.createdAt) return {};
  const expiresAt = new Date(deps.now().getTime() + RESUME_URL_MS);
  const url = await signedDownloadUrl(deps.env.SIGNING_SECRET, deps.baseUrl, last.objectKey, last.name, expiresAt);
  return { resume: { name: last.name, size: last.sizeBytes, url } };
}

/** The process exited 0: the package's training_complete finished the model; without it, the run failed. */
export async function trainCompleted(tx: Queryable, deps: Deps, job: JobRow): Promise<void> {
  await revokeJobKey(tx, deps.env, job.id);
  await closeRun(tx, job, "the trainer exited without reporting training_complete");
}

/** Failed or cancelled (by the runner, the user or the sweeper): the key goes, the time is paid, the model says why. */
export async function trainEnded(tx: Queryable, job: JobRow, env?: Env): Promise<void> {
  await revokeJobKey(tx, env, job.id);
  const ran = job.startedAt
    ? Math.ceil(((job.finishedAt ?? new Date()).getTime() - job.startedAt.getTime()) / 1000)
    : 0;
  await settleCredits(tx, job, ran);
  const reason = job.status === "cancelled" ? undefined : (job.error?.message ?? "the training job failed");
  await closeRun(tx, job, reason);
}

async function closeRun(tx: Queryable, job: JobRow, failure: string | undefined): Promise<void> {
  if (!job.modelId) return;
  const model = (await findModel(tx, { id: job.modelId }))?.model;
  const now = new Date();
  const error = failure ? { message: failure, timestamp: now.toISOString() } : undefined;
  const run = await latestRun(tx, job.modelId);
  if (run && run.jobId === job.id && run.status === "running")
    await updateRun(tx, run.id, {
      status: failure ? "failed" : "cancelled",
      ...(error ? { error } : {}),
      finishedAt: now,
      updatedAt: now,
    });
  if (model && (model.status === "starting" || model.status === "running"))
    await updateModelFields(tx, job.modelId, {
      status: failure ? "failed" : "cancelled",
      ...(error ? { trainingError: error } : {}),
      updatedAt: now,
    });
}
