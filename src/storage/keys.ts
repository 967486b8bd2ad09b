/** Where things live in the R2 bucket. Every key starts with its workspace. */
export function iconKey(workspaceId: string, projectId: string): string {
  return `ws/${workspaceId}/icons/${projectId}/${crypto.randomUUID()}`;
}

export function uploadKey(
  workspaceId: string,
  assetType: string,
  assetId: string,
  uploadId: string,
  filename: string,
): string {
  return `ws/${workspaceId}/${assetType}/${assetId}/${uploadId}/${filename}`;
}

export function modelFileKey(workspaceId: string, modelId: string, name: string): string {
  return `ws/${workspaceId}/models/${modelId}/files/${crypto.randomUUID()}/${name}`;
}

/**
 * Where one attempt of a job writes its outputs; a retried job writes beside, never over, the last
 * attempt's. A runner-built NDJSON is stored under its dataset's name, so it goes with the dataset.
 */
export function jobOutputPrefix(job: {
  kind: string;
  workspaceId: string;
  id: string;
  attempt: number;
  spec: unknown;
}) {
  const datasetId = (job.spec as { datasetId?: string }).datasetId;
  if (job.kind === "ndjson" && datasetId) return ndjsonBuildPrefix(datasetId, job.id, job.attempt);
  return `ws/${job.workspaceId}/jobs/${job.id}/${job.attempt}/`;
}

export function jobOutputKey(job: Parameters<typeof jobOutputPrefix>[0], name: string): string {
  return `${jobOutputPrefix(job)}${name}`;
}

/** A picture by the sha-256 of its bytes: stored once, whichever datasets hold it. */
export function imageKey(hash: string): string {
  return `images/${hash}`;
}

/** The picture's thumbnail (WebP, at most 256 px a side), made by the runner that ingested it. */
export function thumbnailKey(hash: string): string {
  return `thumbnails/${hash}.webp`;
}

/** A version's NDJSON (its image URLs left as placeholders, signed when it is served). */
export function versionKey(datasetId: string, version: number): string {
  return `datasets/${datasetId}/versions/${version}.ndjson`;
}

/** Everything stored under a dataset's own name (versions, exports, caches): it goes when the dataset does. */
export function datasetPrefix(datasetId: string): string {
  return `datasets/${datasetId}/`;
}

/** An NDJSON a runner built for the dataset (one attempt's file; a version or the live export points at it). */
export function ndjsonBuildPrefix(datasetId: string, jobId: string, attempt: number): string {
  return `datasets/${datasetId}/builds/${jobId}/${attempt}/`;
}

/** The dataset's live export, rebuilt when the dataset changed since. */
export function liveExportKey(datasetId: string): string {
  return `datasets/${datasetId}/export.ndjson`;
}

/** The dataset's class statistics, kept for a few minutes (a cache: not booked as storage). */
export function classStatsKey(datasetId: string): string {
  return `datasets/${datasetId}/class-stats.json`;
}
