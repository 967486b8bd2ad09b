import type { Deps } from "../context";
import { purgeExpiredIdempotencyKeys } from "./idempotency";
import { collectUncommittedImages } from "./image-bytes";
import { collectStrayJobOutputs } from "./jobs/outputs";
import { sweepJobs } from "./jobs/sweeper";
import { failSilentTrainingRuns } from "./training/silent-runs";
import { purgeExpiredTrash } from "./trash";
import { collectAbandonedUploads } from "./uploads";

/** The cron's work; each step is safe to run twice. */
export async function runHousekeeping(deps: Deps) {
  const now = deps.now();
  const trashPurged = await purgeExpiredTrash(deps.db, deps.bucket, now);
  const uploadsCollected = await collectAbandonedUploads(deps.db, deps.bucket, now);
  await purgeExpiredIdempotencyKeys(deps.db, now);
  const jobs = await sweepJobs(deps);
  const strayJobOutputs = await collectStrayJobOutputs(deps, now);
  const uncommittedImages = await collectUncommittedImages(deps.db, deps.bucket, now);
  const silentRunsEnded = await failSilentTrainingRuns(deps);
  return { trashPurged, uploadsCollected, jobs, strayJobOutputs, uncommittedImages, silentRunsEnded };
}
