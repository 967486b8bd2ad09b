/**
 * Cloud training: `POST /api/training/start` queues a `train` job on gpu-jobs for a runner of
 * the requested GPU type. The runner runs `yolo train` in its sandbox with a key made for this
 * job alone (bound to the model, revoked when the job ends), so the package's own callbacks
 * carry the metrics, console and checkpoints, exactly as for a run on the user's machine.
 */
import { isSignedIn, type Actor } from "../../auth/actor";
import { GPU_MEMORY_GB, gpuCostCents, TRAINING_TYPES } from "../../billing/gpu-prices";
import type { Deps } from "../../context";
import type { Queryable } from "../../db/client";
import { busyGpuJobs, insertJob, liveRunners } from "../../db/jobs";
import { updateModelFields } from "../../db/models";
import { ApiError } from "../../errors";
import { balanceOf, reserveCredits } from "../credits";
import { getDataset } from "../datasets";
import { createVersion } from "../dataset-versions";
import { enqueueJob, RUNNER_LIVE_MS } from "../jobs/dispatch";
import { getModel, getWritableModel } from "../models";
import { datasetUlName, modelUlName, parseUlName } from "../ul-uri";
import { mintJobKey } from "./job-keys";

export interface TrainingStart {
  modelId: string;
  gpuType: string;
  captureDatasetVersion: boolean;
  trainArgs: Record<string, unknown>;
}

/** What a `train` job's spec tells the runner: the `yolo train` arguments, and where the callbacks go. */
export interface TrainSpec {
  args: Record<string, string | number | boolean>;
  /** `owner/project` and the model's slug: the package's callbacks name the model by them. */
  project: string;
  name: string;
}

const OFFICIAL_WEIGHTS = /^yolo[a-z0-9-]*\.(?:pt|ya?ml)$/i;
/** Seconds of training a picture of 640 px costs an epoch, for the estimate (a mid-range GPU; a CPU 10x). */
const SECONDS_PER_IMAGE_EPOCH = 0.02;
const MIN_ESTIMATE_SECONDS = 600;

export async function startCloudTraining(deps: Deps, actor: Actor, input: TrainingStart) {
  if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
  const view = await getWritableModel(deps, actor, { id: input.modelId });
  const { model } = view;
  if (model.status === "starting" || model.status === "running")
    throw new ApiError("CONFLICT", "Training is already active for this model");
  await assertOffered(deps, input.gpuType);
  const args = { ...input.trainArgs } as Record<string, string | number | boolean>;
  args.model = await baseModelOf(deps, actor, String(args.model));
  const dataset = await datasetOf(deps, actor, String(args.data));
  args.data = datasetUlName(dataset.owner, dataset.dataset.slug);
  if (input.captureDatasetVersion) await createVersion(deps, actor, { id: dataset.dataset.id });
  const seconds = estimateSeconds(args, dataset.dataset.splits.train, input.gpuType);
  const cents = gpuCostCents(input.gpuType, seconds);
  const spec: TrainSpec = { args, project: `${view.owner}/${view.project.slug}`, name: model.slug };
  const now = deps.now();
  const { job } = await enqueueJob(
    deps,
    {
      kind: "train",
      workspaceId: model.workspaceId,
      modelId: model.id,
      queue: "gpu-jobs",
      gpuType: input.gpuType,
      maxAttempts: 3,
      spec: spec as never,
    },
    (db, values) =>
      db.transaction(async (tx) => {
        const row = await insertJob(tx, values);
        await reserveCredits(tx, row, cents);
        await mintJobKey(tx, deps.env, row, actor.userId);
        await updateModelFields(tx, model.id, {
          status: "starting",
          trainArgs: args,
          datasetId: dataset.dataset.id,
          trainingError: null,
          startedAt: now,
          completedAt: null,
          updatedAt: now,
        });
        return { job: row };
      }),
  );
  return {
    modelId: model.id,
    status: "starting" as const,
    gpuType: input.gpuType,
    estimatedCost: { pricePerHour: gpuCostCents(input.gpuType, 3600) / 100, gpuMemoryGb: memoryOf(input.gpuType) },
    billing: {
      estimatedCostCents: cents,
      estimatedCostDisplay: `$${(cents / 100).toFixed(2)}`,
      balanceCents: await balanceOf(deps.db, job.workspaceId),
    },
  };
}

function memoryOf(gpuType: string): number {
  return GPU_MEMORY_GB[gpuType as keyof typeof GPU_MEMORY_GB] ?? 0;
}

/** The type must be one the live fleet offers now (a GPU type, or `cpu` from a laptop's runner). */
async function assertOffered(deps: Deps, gpuType: string): Promise<void> {
  if (!(TRAINING_TYPES as readonly string[]).includes(gpuType))
    throw new ApiError("VALIDATION_ERROR", `Invalid body: gpuType: ${gpuType} is not a GPU type`);
  const offered = await fleetSlots(deps.db, deps.now());
  if (!offered.has(gpuType)) {
    const types = [...offered.keys()];
    throw new ApiError(
      "SERVICE_UNAVAILABLE",
      `No runner offers ${gpuType} now${types.length ? `; the fleet offers ${types.join(", ")}` : ""}`,
    );
  }
}

/**
 * The starting weights: an official name (`yolo11n.pt`, `yolo26s.yaml`), a `ul://` model the caller
 * can read with weights, or the id of one of the caller's completed models (as its `ul://` name).
 */
async function baseModelOf(deps: Deps, actor: Actor, value: string): Promise<string> {
  if (OFFICIAL_WEIGHTS.test(value)) return value;
  const name = parseUlName(value);
  const ref = name?.kind === "model" ? name.ref : value.startsWith("mdl_") ? { id: value } : undefined;
  if (!ref)
    throw new ApiError(
      "VALIDATION_ERROR",
      "Invalid body: trainArgs.model: an official model (yolo11n.pt), a ul://owner/project/model, or a model id",
    );
  const { view } = await getModel(deps, actor, ref);
  if (!view.weights) throw new ApiError("VALIDATION_ERROR", `Invalid body: trainArgs.model: ${value} has no weights`);
  return modelUlName(view.owner, view.project.slug, view.model.slug);
}

/** The training data: a `ul://owner/datasets/slug` or a dataset id the caller can read, with images. */
async function datasetOf(deps: Deps, actor: Actor, value: string) {
  const name = parseUlName(value);
  const ref = name?.kind === "dataset" ? name.ref : value.startsWith("dst_") ? { id: value } : undefined;
  if (!ref)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: trainArgs.data: a ul://owner/datasets/slug or a dataset id");
  const view = await getDataset(deps, actor, ref);
  if (!view.dataset.splits.train)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: trainArgs.data: the dataset has no training images");
  return view;
}

/** The time the run's credits are reserved for: `time` hours when given, else epochs x images. */
function estimateSeconds(args: Record<string, unknown>, trainImages: number, gpuType: string): number {
  if (typeof args.time === "number") return Math.ceil(args.time * 3600);
  const epochs = Number(args.epochs ?? 100);
  const scale = (Number(args.imgsz ?? 640) / 640) ** 2;
  const perImage = SECONDS_PER_IMAGE_EPOCH * scale * (gpuType === "cpu" ? 10 : 1);
  return Math.max(MIN_ESTIMATE_SECONDS, Math.ceil(epochs * trainImages * perImage));
}

/** Free slots per GPU type among live runners that pull gpu-jobs. */
async function fleetSlots(db: Queryable, now: Date): Promise<Map<string, number>> {
  const runners = await liveRunners(db, "gpu-jobs", new Date(now.getTime() - RUNNER_LIVE_MS));
  const slots = new Map<string, number>();
  for (const runner of runners)
    if (runner.gpuType) slots.set(runner.gpuType, (slots.get(runner.gpuType) ?? 0) + runner.concurrency);
  return slots;
}

/** High, Medium or Low per GPU type the live fleet offers (free slots 2+, 1, none), null for the rest. */
export async function gpuAvailability(deps: Deps): Promise<Record<string, "High" | "Medium" | "Low" | null>> {
  const now = deps.now();
  const [slots, busy] = await Promise.all([fleetSlots(deps.db, now), busyGpuJobs(deps.db)]);
  const levels: Record<string, "High" | "Medium" | "Low" | null> = {};
  for (const type of TRAINING_TYPES) {
    const total = slots.get(type);
    if (total === undefined) levels[type] = null;
    else {
      const free = total - (busy.get(type) ?? 0);
      levels[type] = free >= 2 ? "High" : free === 1 ? "Medium" : "Low";
    }
  }
  return levels;
}
