import type { Deps } from "../../context";
import { lapsedJobs, staleQueuedJobs, touchJob } from "../../db/jobs";
import { giveUpJob } from "./callbacks";
import { sendJob } from "./dispatch";
import { moveJob } from "./state-machine";

/** A queued job nobody claimed for this long is sent again (its message may be lost or dead-lettered). */
const RESEND_AFTER_MS = 10 * 60 * 1000;
/** Predict pictures older than this are deleted (their answer was given or given up on). */
const PREDICT_INPUT_TTL_MS = 2 * 60 * 60 * 1000;

/** Where a predict job's picture waits for its runner; the hour in the key lets the cron sweep by prefix. */
export function predictInputKey(now: Date, workspaceId: string, id: string, name: string): string {
  return `tmp/predict/${now.toISOString().slice(0, 13)}/${workspaceId}/${id}/${name}`;
}

/**
 * The cron's part of the pipeline, a backstop for the queue's own redelivery: jobs whose runner
 * stopped reporting go back to the queue (or fail after their last attempt), queued jobs nobody
 * claimed are sent again, old predict pictures are deleted.
 */
export async function sweepJobs(deps: Deps): Promise<{ requeued: number; failed: number; resent: number }> {
  const now = deps.now();
  let requeued = 0;
  let failed = 0;
  for (const job of await lapsedJobs(deps.db, now, 200)) {
    if (job.attempt >= job.maxAttempts) {
      if (await giveUpJob(deps, job)) failed++;
      continue;
    }
    const moved = await moveJob(
      deps.db,
      job.id,
      "lapse",
      { leaseId: null, leaseExpiresAt: null, runnerId: null },
      { leaseId: job.leaseId ?? undefined },
    );
    if (moved) {
      await sendJob(deps, moved).catch(() => {});
      requeued++;
    }
  }
  let resent = 0;
  for (const job of await staleQueuedJobs(deps.db, new Date(now.getTime() - RESEND_AFTER_MS), 200)) {
    await touchJob(deps.db, job.id);
    await sendJob(deps, job).catch(() => {});
    resent++;
  }
  await deleteOldPredictInputs(deps.bucket, now);
  return { requeued, failed, resent };
}

async function deleteOldPredictInputs(bucket: R2Bucket, now: Date): Promise<void> {
  const cutoff = `tmp/predict/${new Date(now.getTime() - PREDICT_INPUT_TTL_MS).toISOString().slice(0, 13)}`;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: "tmp/predict/", cursor, limit: 1000 });
    const old = page.objects.map((object) => object.key).filter((key) => key < cutoff);
    if (old.length) await bucket.delete(old);
    // Keys sort by hour: once a page reaches the cutoff, the rest are newer.
    if (old.length < page.objects.length) return;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
