import type { SignedInActor } from "../auth/actor";
import { assertWritable } from "../auth/policy";
import type { Deps } from "../context";
import { startProcessing, type DatasetRef } from "../db/datasets";
import { insertJob, type JobRow } from "../db/jobs";
import { findUpload } from "../db/uploads";
import { ApiError } from "../errors";
import type { IngestSpec } from "../protocol/ingest";
import { getDataset } from "./datasets";
import { enqueueJob } from "./jobs/dispatch";

/** The archives ingest reads, by file name. */
export const ARCHIVE_NAME = /\.(zip|tar|tar\.gz|tgz|ndjson)$/i;

export interface IngestRequest {
  sessionId?: string;
  sourceUrl?: string;
  targetSplit?: "train" | "val" | "test";
  conflictPolicy?: "skip" | "keep_both" | "replace";
  classMapping?: Record<string, number | string | null>;
}

/**
 * Queues an ingest of an uploaded archive (or a URL the runner fetches through the guarded fetch)
 * into a dataset the caller may edit. One ingest at a time per dataset: the dataset is
 * `processing` until the job ends.
 */
export async function startIngest(
  deps: Deps,
  actor: SignedInActor,
  ref: DatasetRef,
  request: IngestRequest,
): Promise<JobRow> {
  const view = await getDataset(deps, actor, ref);
  await assertWritable(deps, actor, view.dataset, "Dataset");
  const { dataset } = view;
  const source = await sourceOf(deps, actor, request);
  const spec: IngestSpec & { conflictPolicy: string; upload?: unknown } = {
    datasetId: dataset.id,
    task: dataset.task,
    classNames: dataset.classNames,
    kptShape: dataset.kptShape ?? null,
    source: source.spec,
    targetSplit: request.targetSplit ?? null,
    classMapping: request.classMapping ?? null,
    conflictPolicy: request.conflictPolicy ?? "skip",
    ...(source.upload ? { upload: source.upload } : {}),
  };
  const { job } = await enqueueJob(
    deps,
    { kind: "ingest", workspaceId: dataset.workspaceId, modelId: null, queue: "cpu-jobs", spec, gpuType: null },
    (db, row) =>
      db.transaction(async (tx) => {
        if (!(await startProcessing(tx, dataset.id, deps.now())))
          throw new ApiError("CONFLICT", "The dataset is already processing an ingest; wait for it to finish");
        return { job: await insertJob(tx, row) };
      }),
  );
  return job;
}

async function sourceOf(deps: Deps, actor: SignedInActor, request: IngestRequest) {
  if (request.sessionId && request.sourceUrl)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: give one of sessionId or sourceUrl, not both");
  if (request.sourceUrl) {
    const path = safeUrl(request.sourceUrl).pathname;
    if (!ARCHIVE_NAME.test(path))
      throw new ApiError(
        "VALIDATION_ERROR",
        "Invalid body: sourceUrl: must name a .zip, .tar, .tar.gz, .tgz or .ndjson",
      );
    return { spec: { kind: "url" as const, url: request.sourceUrl } };
  }
  if (!request.sessionId)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: one of sessionId or sourceUrl is required");
  const upload = await findUpload(deps.db, request.sessionId);
  if (!upload || upload.userId !== actor.userId) throw new ApiError("NOT_FOUND", "Upload session not found");
  if (upload.status !== "completed")
    throw new ApiError("CONFLICT", "The upload is not complete: call POST /api/upload/complete first");
  if (upload.assetType !== "datasets" || !ARCHIVE_NAME.test(upload.filename))
    throw new ApiError("VALIDATION_ERROR", "Invalid body: sessionId: not a dataset archive upload");
  return {
    spec: { kind: "upload" as const, filename: upload.filename },
    upload: { objectKey: upload.objectKey, name: upload.filename, sizeBytes: upload.totalBytes },
  };
}

function safeUrl(raw: string): URL {
  try {
    const url = new URL(raw);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // refused below
  }
  throw new ApiError("VALIDATION_ERROR", "Invalid body: sourceUrl: must be an http(s) URL");
}
