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

/** Outputs of one attempt of a job; a retried job writes beside, never over, the last attempt's. */
export function jobOutputKey(workspaceId: string, jobId: string, attempt: number, name: string): string {
  return `ws/${workspaceId}/jobs/${jobId}/${attempt}/${name}`;
}

export function jobOutputPrefix(workspaceId: string, jobId: string, attempt: number): string {
  return `ws/${workspaceId}/jobs/${jobId}/${attempt}/`;
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

/** The dataset's live export, rebuilt when the dataset changed since. */
export function liveExportKey(datasetId: string): string {
  return `datasets/${datasetId}/export.ndjson`;
}

/** The dataset's class statistics, kept for a few minutes (a cache: not booked as storage). */
export function classStatsKey(datasetId: string): string {
  return `datasets/${datasetId}/class-stats.json`;
}
