/**
 * A large dataset's NDJSON is written by a runner (an `ndjson` job on cpu-jobs; src/protocol/
 * ndjson.ts), so no request spends minutes on it: the runner pages through the images here and
 * uploads the file as its output. Meanwhile GET .../export answers 409 with Retry-After. When the
 * job completes, the file becomes the version's, or the live export points at it.
 */
import type { Deps } from "../../context";
import type { Queryable } from "../../db/client";
import { unfinishedJobFor, type JobRow } from "../../db/jobs";
import { addObject } from "../../db/storage";
import { setVersionFile } from "../../db/versions";
import { ApiError } from "../../errors";
import { NdjsonSpec, type NdjsonPageResponse } from "../../protocol/ndjson";
import { ndjsonPage } from "../ndjson";
import { enqueueJob } from "./dispatch";
import type { CompletedResult } from "./kinds";
import { heldJob } from "./outputs";

/** Custom metadata of a live export that only points at the file a runner built. */
export const POINTS_TO = "file";

/** The build of the file at `spec.key` under way, or a new one queued; either way a 409 to answer with. */
export async function buildOnRunner(deps: Deps, workspaceId: string, spec: NdjsonSpec): Promise<ApiError> {
  const job = (await unfinishedJobFor(deps.db, "ndjson", spec.key)) ?? (await queueBuild(deps, workspaceId, spec));
  return stillBuilding(job);
}

async function queueBuild(deps: Deps, workspaceId: string, spec: NdjsonSpec): Promise<JobRow> {
  const { job } = await enqueueJob(deps, { kind: "ndjson", workspaceId, queue: "cpu-jobs", maxAttempts: 3, spec });
  return job;
}

/** The 409 while a build runs: which job, and when to ask again. */
export function stillBuilding(job: Pick<JobRow, "id">): ApiError {
  return new ApiError(
    "CONFLICT",
    `The dataset's NDJSON is being built by a runner (job ${job.id}); try again shortly`,
    { "Retry-After": "10" },
  );
}

/** Whether a runner is building the file at `key` now. */
export async function buildingNow(db: Queryable, key: string): Promise<JobRow | undefined> {
  return unfinishedJobFor(db, "ndjson", key);
}

/** The lease holder's next page of the file. */
export async function pageForRunner(
  deps: Deps,
  jobId: string,
  request: { leaseId: string; after: string },
): Promise<NdjsonPageResponse> {
  const job = await heldJob(deps, jobId, request.leaseId);
  if (job.kind !== "ndjson") throw new ApiError("CONFLICT", "Only ndjson jobs read dataset pages");
  const spec = NdjsonSpec.parse(job.spec);
  return ndjsonPage(deps.db, spec.shape, spec.source, request.after);
}

/** Completion (in its transaction): the output becomes the version's file, or the live export's target. */
export async function publishBuild(tx: Queryable, deps: Deps, job: JobRow, done: CompletedResult): Promise<void> {
  const spec = NdjsonSpec.parse(job.spec);
  const file = done.outputs[0];
  if (!file) throw new ApiError("VALIDATION_ERROR", "An ndjson job completes with its file in outputs");
  if ("versionId" in spec.source) {
    await setVersionFile(tx, spec.source.versionId, file.key, file.size);
    await addObject(tx, {
      key: file.key,
      workspaceId: job.workspaceId,
      category: "datasets",
      resourceId: spec.datasetId,
      name: spec.name,
      sizeBytes: file.size,
      contentType: "application/x-ndjson",
    });
    return;
  }
  // The live export is a cache: a pointer, its stamp saying which state of the dataset it holds.
  const previous = await deps.bucket.head(spec.key);
  await deps.bucket.put(spec.key, "", {
    customMetadata: { [POINTS_TO]: file.key, ...(spec.stamp ? { datasetUpdatedAt: spec.stamp } : {}) },
  });
  const stale = previous?.customMetadata?.[POINTS_TO];
  if (stale && stale !== file.key) deps.waitUntil(deps.bucket.delete(stale));
}
