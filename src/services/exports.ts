import type { Actor } from "../auth/actor";
import { DEFAULT_EXPORT_GPU, gpuCostCents } from "../billing/gpu-prices";
import type { Deps } from "../context";
import {
  activeExport,
  countExportDownload,
  deleteExportRow,
  findExport,
  insertExport,
  insertJobWithExport,
  listExports,
  type ExportView,
} from "../db/exports";
import { findJob, insertJob } from "../db/jobs";
import type { ModelRef, ModelView } from "../db/models";
import type { ExportFormat, JobStatus } from "../db/schema";
import { removeObjectByKey } from "../db/storage";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { signedDownloadUrl } from "../storage/signed-url";
import { reserveCredits } from "./credits";
import { cancelJob } from "./jobs/callbacks";
import { enqueueJob, type JobInput } from "./jobs/dispatch";
import { isTerminal } from "./jobs/state-machine";
import { assertModelWritable, getModel, getWritableModel } from "./models";

/** A TensorRT build is reserved as this many GPU-seconds, settled by what it really used. */
const ENGINE_RESERVE_SECONDS = 15 * 60;
const DOWNLOAD_TTL_MS = 60 * 60 * 1000;

export interface ExportRequest {
  format: ExportFormat;
  gpuType?: string;
  args?: Record<string, unknown> | null;
}

/** The Models guide's format restrictions, with the reason a user can act on. */
export function formatRestriction(view: ModelView, format: ExportFormat): string | null {
  const arch = `${view.model.architecture ?? ""} ${view.model.baseModel ?? ""}`.toLowerCase();
  const task = view.model.task;
  if (format === "imx" && !/yolov8|yolo11/.test(arch))
    return "IMX500 export is only available for YOLOv8 and YOLO11 models";
  if (format === "axelera" && task && task !== "detect") return "Axelera export is only available for detection models";
  if (format === "paddle" && /yolo26/.test(arch) && ["detect", "segment", "pose", "obb"].includes(task ?? "detect")) {
    return "PaddlePaddle export is not available for YOLO26 detection, segmentation, pose or OBB models";
  }
  return null;
}

/**
 * Queues an export of the model's weights: `engine` (TensorRT) on a GPU runner of the chosen type,
 * paid from credits; every other format on a CPU runner. The same format and arguments while one is
 * still queued or running answers that one.
 */
export async function createExport(deps: Deps, actor: Actor, ref: ModelRef, request: ExportRequest) {
  const view = await getWritableModel(deps, actor, ref);
  const args = request.args ?? {};
  if (request.format === "engine" && !request.gpuType)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: gpuType: required for engine (TensorRT) exports");
  if (request.format !== "engine" && request.gpuType)
    throw new ApiError(
      "VALIDATION_ERROR",
      `Invalid body: gpuType: only engine (TensorRT) exports run on a GPU, not ${request.format}`,
    );
  const restriction = formatRestriction(view, request.format);
  if (restriction) throw new ApiError("VALIDATION_ERROR", `Invalid body: format: ${restriction}`);
  // The model read already knows its weights, so this costs no query; the job pins that revision.
  const weights = view.weights;
  if (!weights) throw new ApiError("CONFLICT", "The model has no .pt weights to export yet");

  const existing = await activeExport(deps.db, view.model.id, request.format, args);
  if (existing) return { view, exportView: existing };

  const gpu = request.format === "engine";
  const gpuType = gpu ? (request.gpuType ?? DEFAULT_EXPORT_GPU) : null;
  const exportId = newId("export");
  const exportValues = {
    id: exportId,
    modelId: view.model.id,
    workspaceId: view.model.workspaceId,
    format: request.format,
    args,
    gpuType,
  };
  const input: JobInput = {
    kind: "export",
    workspaceId: view.model.workspaceId,
    modelId: view.model.id,
    queue: gpu ? "gpu-jobs" : "cli-jobs",
    gpuType,
    spec: { exportId, format: request.format, args, weights },
  };
  const written = await enqueueJob(
    deps,
    input,
    gpu
      ? // A TensorRT build reserves credits first: a transaction, since the balance is read under a lock.
        (db, values) =>
          db.transaction(async (tx) => {
            const job = await insertJob(tx, values);
            await reserveCredits(tx, job, gpuCostCents(gpuType!, ENGINE_RESERVE_SECONDS));
            return { job, export: await insertExport(tx, { ...exportValues, jobId: job.id }) };
          })
      : (db, values) => insertJobWithExport(db, values, exportValues),
  );
  // As committed, without reading it back: a runner may already be starting it, which the next GET shows.
  return { view, exportView: { export: written.export, job: written.job } satisfies ExportView, job: written.job };
}

export async function listModelExports(
  deps: Deps,
  actor: Actor,
  ref: ModelRef,
  params: { status?: JobStatus; limit: number },
) {
  const { view, isEditor } = await getModel(deps, actor, ref);
  return { view, isEditor, exports: await listExports(deps.db, { modelId: view.model.id, ...params }) };
}

/** An export the actor may read, checked to belong to the model when the path names one. */
export async function getExport(deps: Deps, actor: Actor, exportId: string, ref?: ModelRef) {
  const found = await findExport(deps.db, exportId);
  if (!found && !ref) throw new ApiError("NOT_FOUND", "Export not found");
  const { view, isEditor } = await getModel(deps, actor, ref ?? { id: found!.export.modelId });
  if (!found || found.export.modelId !== view.model.id) throw new ApiError("NOT_FOUND", "Export not found");
  return { view, isEditor, exportView: found };
}

/** A queued or running export is cancelled (its runner stops); a finished one is deleted with its file. */
export async function deleteExport(
  deps: Deps,
  actor: Actor,
  exportId: string,
  ref?: ModelRef,
): Promise<"cancelled" | "deleted"> {
  const { view, exportView } = await getExport(deps, actor, exportId, ref);
  await assertModelWritable(deps, actor, view);
  if (!isTerminal(exportView.job.status)) {
    const job = await findJob(deps.db, exportView.job.id);
    await cancelJob(deps, job!);
    return "cancelled";
  }
  const keys = await deps.db.transaction(async (tx) => {
    const removed = exportView.export.objectKey ? await removeObjectByKey(tx, exportView.export.objectKey) : [];
    await deleteExportRow(tx, exportView.export.id);
    return removed;
  });
  if (keys.length) await deps.bucket.delete(keys);
  return "deleted";
}

export async function trackExportDownload(deps: Deps, actor: Actor, exportId: string): Promise<void> {
  const { exportView } = await getExport(deps, actor, exportId);
  await countExportDownload(deps.db, exportView.export.id);
}

/** A signed download URL for a completed export's file. */
export async function exportDownloadUrl(deps: Deps, view: ExportView): Promise<string | undefined> {
  const { objectKey, downloadFilename } = view.export;
  if (view.job.status !== "completed" || !objectKey || !downloadFilename) return undefined;
  return signedDownloadUrl(
    deps.env.SIGNING_SECRET,
    deps.baseUrl,
    objectKey,
    downloadFilename,
    new Date(deps.now().getTime() + DOWNLOAD_TTL_MS),
  );
}

/**
 * Starts the model's ONNX export if none is queued or running (predict's first use); returns its id.
 * Made on the model owner's behalf, so a public model's first anonymous prediction can start it.
 */
export async function ensureOnnxExport(deps: Deps, view: ModelView): Promise<string> {
  const active = await activeExport(deps.db, view.model.id, "onnx", {});
  if (active) return active.export.id;
  const exportId = newId("export");
  const input: JobInput = {
    kind: "export",
    workspaceId: view.model.workspaceId,
    modelId: view.model.id,
    queue: "cli-jobs",
    spec: { exportId, format: "onnx", args: {}, weights: view.weights },
  };
  await enqueueJob(deps, input, (db, values) =>
    insertJobWithExport(db, values, {
      id: exportId,
      modelId: view.model.id,
      workspaceId: view.model.workspaceId,
      format: "onnx",
      args: {},
    }),
  );
  return exportId;
}
