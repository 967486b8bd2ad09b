import type { ExportView } from "../../db/exports";
import type { Region } from "../../db/schema";

/** The contract calls TF Lite `litert`; the docs' `tflite` is stored as asked and shown by the contract's name. */
const CONTRACT_FORMAT: Record<string, string> = { tflite: "litert" };

/** What a reader who may not edit the model sees of a failure: the runner's own words stay private. */
export const EXPORT_FAILED = "The export failed on the runner";

/**
 * The one presenter of an export: the contract's Export; `extras` adds EdgeHub's fields on id
 * paths; `editor`: the reader may edit the model, and sees the runner's error text.
 */
export function toExport(view: ExportView, downloadUrl: string | undefined, extras = false, editor = false) {
  const e = view.export;
  const job = view.job;
  return {
    id: e.id,
    status: job.status,
    format: CONTRACT_FORMAT[e.format] ?? e.format,
    args: e.args,
    ...(e.gpuType ? { gpuType: e.gpuType } : {}),
    ...(e.objectKey
      ? {
          file: {
            ...(e.sizeBytes !== null ? { size: e.sizeBytes } : {}),
            ...(downloadUrl ? { downloadUrl } : {}),
            ...(e.downloadFilename ? { downloadFilename: e.downloadFilename } : {}),
          },
        }
      : {}),
    ...(job.error
      ? { error: { message: editor ? job.error.message : EXPORT_FAILED, timestamp: job.error.timestamp } }
      : {}),
    ...(job.startedAt ? { startedAt: job.startedAt.toISOString() } : {}),
    ...(job.finishedAt && job.status === "completed" ? { completedAt: job.finishedAt.toISOString() } : {}),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    ...(extras
      ? {
          modelId: e.modelId,
          jobId: job.id,
          attempt: job.attempt,
          ...(job.waitingReason ? { waitingReason: job.waitingReason } : {}),
        }
      : {}),
  };
}

export function toCreatedExport(view: ExportView, region: Region, extras = false) {
  const status = view.job.status === "queued" ? "queued" : "running";
  return {
    id: view.export.id,
    format: CONTRACT_FORMAT[view.export.format] ?? view.export.format,
    status: status as "queued" | "running",
    ...(view.export.gpuType ? { gpuType: view.export.gpuType } : {}),
    region,
    ...(extras && view.job.waitingReason ? { waitingReason: view.job.waitingReason } : {}),
  };
}
