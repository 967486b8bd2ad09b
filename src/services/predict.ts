import { isSignedIn, type Actor } from "../auth/actor";
import type { Deps } from "../context";
import { findModelWithOnnx, type ModelRef } from "../db/models";
import { ApiError } from "../errors";
import { settingsOf } from "../settings";
import { guardedFetch } from "../net/guarded-fetch";
import { safeName } from "./picture-intake";
import { newId } from "../ids";
import { signTransfer, verifyTransfer } from "../storage/signed-url";
import { enqueueJob } from "./jobs/dispatch";
import type { JobOutcome } from "./jobs/job-waiter";
import { predictInputKey } from "./jobs/sweeper";
import { getModel, readableModel, viewerId } from "./models";
import { ensureOnnxExport } from "./exports";

/** The Platform's upload cap for predict. */
export const PREDICT_MAX_BYTES = 100 * 1024 * 1024;

export type PredictImage = { data: Blob; name: string; contentType: string };

export interface PredictRequest {
  /** The picture as the request holds it (a form's File is stored without another copy), or its URL. */
  image: PredictImage | { url: string };
  conf: number;
  iou: number;
  imgsz: number;
  /** A predict token's model: the request may act on this model only. */
  onlyModelId?: string;
}

export type PredictOutcome =
  | { kind: "done"; images: unknown[]; metadata: Record<string, unknown> }
  | { kind: "queued"; jobId: string; status: string };

/** A readable model with the ONNX file predict runs on (null when it has none yet), in one query. */
async function modelWithOnnx(deps: Deps, actor: Actor, ref: ModelRef) {
  return readableModel(deps, actor, await findModelWithOnnx(deps.db, ref, viewerId(actor)));
}

/** A readable model ready to predict: its ONNX file, or a 503 while its first ONNX export is made. */
export async function predictionModel(deps: Deps, actor: Actor, ref: ModelRef, onlyModelId?: string) {
  const { view, isEditor } = await modelWithOnnx(deps, actor, ref);
  if (onlyModelId && onlyModelId !== view.model.id)
    throw new ApiError("FORBIDDEN", "This predict token is for another model");
  const onnx = view.onnx;
  if (!onnx) {
    if (!view.weights) throw new ApiError("SERVICE_UNAVAILABLE", "The model has no weights to predict with yet");
    const preparing = await ensureOnnxExport(deps, view);
    throw new ApiError(
      "SERVICE_UNAVAILABLE",
      `The model's ONNX export (${preparing}) is being made for its first prediction; try again shortly`,
      { "Retry-After": "15" },
    );
  }
  return { view, isEditor, onnx };
}

export type PredictionModel = Awaited<ReturnType<typeof predictionModel>>;
export type StoredPicture = { objectKey: string; name: string; sizeBytes: number };
export type PredictOptions = { conf: number; iou: number; imgsz: number };
/** One picture's answer from the runner: its [height, width], per-stage milliseconds and results. */
export type PredictedImage = {
  shape?: [number, number];
  speed?: Record<string, number>;
  results?: RunnerPrediction[];
};
export type RunnerPrediction = {
  class: number;
  name: string;
  confidence: number;
  box?: Record<string, number>;
  segments?: { x: number[]; y: number[] };
  keypoints?: { x: number[]; y: number[]; visible?: number[] };
};

/**
 * Runs the model on a picture already in R2 through the predict-jobs queue and waits for the
 * runner's answer (PREDICT_WAIT_MS, 30 s by default); null when it is still running then.
 */
export async function predictOnRunner(
  deps: Deps,
  target: PredictionModel,
  picture: StoredPicture,
  options: PredictOptions,
): Promise<{ jobId: string; status: string; images?: PredictedImage[] }> {
  const { view, onnx, isEditor } = target;
  const { job } = await enqueueJob(deps, {
    kind: "predict",
    workspaceId: view.model.workspaceId,
    modelId: view.model.id,
    queue: "predict-jobs",
    maxAttempts: 2,
    spec: { modelFileId: onnx.id, modelFile: onnx, image: picture, ...options },
  });
  const waiter = deps.env.JOB_WAITER.get(deps.env.JOB_WAITER.idFromName(job.id));
  const outcome = (await waiter.wait(settingsOf(deps.env).PREDICT_WAIT_MS)) as JobOutcome | null;
  if (!outcome) return { jobId: job.id, status: job.waitingReason ? "queued" : "running" };
  if (outcome.status !== "completed") {
    // The runner's own words (paths, library messages) only for those who may edit the model.
    const detail = isEditor ? `: ${outcome.error}` : "";
    if (/decode the picture/i.test(outcome.error))
      throw new ApiError("VALIDATION_ERROR", isEditor ? outcome.error : "Could not decode the picture");
    throw new ApiError("SERVICE_UNAVAILABLE", `Prediction failed on the runner (job ${job.id})${detail}`);
  }
  const images = (outcome.result as { images?: PredictedImage[] }).images ?? [];
  return { jobId: job.id, status: "completed", images };
}

/** Milliseconds the runner spent on the pictures (pre-processing, inference, post-processing). */
export function runnerMs(images: PredictedImage[]): number {
  return images.reduce(
    (sum, image) =>
      sum + (image.speed?.preprocess ?? 0) + (image.speed?.inference ?? 0) + (image.speed?.postprocess ?? 0),
    0,
  );
}

/**
 * Runs the model on one picture (a model with weights but no ONNX file gets its ONNX export
 * started on first use and reused afterwards) and answers in the Platform's predict shape, or
 * with the job to poll when the runner takes longer than the wait.
 */
export async function predict(
  deps: Deps,
  actor: Actor,
  ref: ModelRef,
  request: PredictRequest,
): Promise<PredictOutcome> {
  const target = await predictionModel(deps, actor, ref, request.onlyModelId);
  const { model } = target.view;
  // A URL is fetched only now: after authentication, the token check and the model lookup.
  const image = "url" in request.image ? await fetchPicture(deps, request.image.url) : request.image;
  const imageKey = predictInputKey(deps.now(), model.workspaceId, newId("job"), image.name);
  await deps.bucket.put(imageKey, image.data, { httpMetadata: { contentType: image.contentType } });
  const started = deps.now().getTime();
  const picture = { objectKey: imageKey, name: image.name, sizeBytes: image.data.size };
  const { conf, iou, imgsz } = request;
  // The picture stays while its job is queued (the sweeper collects it later), else it goes now.
  const dropPicture = () => deps.waitUntil(deps.bucket.delete(imageKey));
  const answer = await predictOnRunner(deps, target, picture, { conf, iou, imgsz }).catch((error: unknown) => {
    dropPicture();
    throw error;
  });
  if (!answer.images) return { kind: "queued", jobId: answer.jobId, status: answer.status };
  dropPicture();
  return {
    kind: "done",
    images: answer.images,
    metadata: {
      imageCount: answer.images.length,
      functionTimeAlive: deps.now().getTime() - started,
      functionTimeCall: runnerMs(answer.images),
      model: model.slug,
      task: (model.task ?? "detect") as string,
      version: {
        edgehub: "0.1.0",
        ...(model.ultralyticsVersion ? { ultralytics: model.ultralyticsVersion } : {}),
      },
    },
  };
}

const PREDICT_TOKEN_TTL_MS = 10 * 60 * 1000;

/** A 10-minute token that lets the Predict tab call predict for this one model as the signed-in user. */
export async function issuePredictToken(deps: Deps, actor: Actor, ref: ModelRef) {
  if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
  const { view } = await getModel(deps, actor, ref);
  const expiresAt = new Date(deps.now().getTime() + PREDICT_TOKEN_TTL_MS);
  const token = await signTransfer(
    deps.env.SIGNING_SECRET,
    { op: "predict", model: view.model.id, user: actor.userId, ws: actor.workspaceId, username: actor.username },
    expiresAt,
  );
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    predictUrl: `${deps.baseUrl}/api/models/${view.model.id}/predict?token=${token}`,
  };
}

/** The actor a predict token stands for, and the one model it may predict with. */
export async function actorOfPredictToken(deps: Deps, token: string): Promise<{ actor: Actor; modelId: string }> {
  const claims = await verifyTransfer(deps.env.SIGNING_SECRET, token, "predict");
  if (typeof claims.model !== "string") throw new ApiError("UNAUTHORIZED", "Invalid predict token");
  return {
    actor: { kind: "session", userId: claims.user, workspaceId: claims.ws, username: claims.username },
    modelId: claims.model,
  };
}

const SOURCE_TIMEOUT_MS = 10_000;

/** A `source` URL's picture, through the guarded fetch (public addresses only, capped). */
async function fetchPicture(deps: Deps, url: string): Promise<PredictImage> {
  const fetched = await guardedFetch(deps.env, url, {
    field: "source",
    maxBytes: PREDICT_MAX_BYTES,
    timeoutMs: SOURCE_TIMEOUT_MS,
  });
  const last = fetched.url.pathname.split("/").pop();
  const name = last ? safeName(last) : "source";
  return { data: fetched.data, name, contentType: fetched.contentType };
}

/** True when the model has its ONNX file; otherwise its export is started (once). */
export async function warmUpModel(deps: Deps, actor: Actor, ref: ModelRef): Promise<boolean> {
  const { view } = await modelWithOnnx(deps, actor, ref);
  if (view.onnx) return true;
  if (!view.weights) throw new ApiError("SERVICE_UNAVAILABLE", "The model has no weights to predict with yet");
  await ensureOnnxExport(deps, view);
  return false;
}
