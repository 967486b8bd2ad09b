/**
 * What a model's training looks like from outside: its newest run's progress, timing, newest
 * metrics and error (the contract's shape), and on request the Train tab's charts, console tail
 * and system stats. Cancelling marks the run; the package learns it from its next epoch_end.
 */
import type { Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import { updateModelFields, type ModelRef } from "../../db/models";
import { consoleTail, epochsOf, lastEpoch, latestRun, updateRun, type EpochRow, type RunRow } from "../../db/training";
import type { ModelStatus } from "../../db/schema";
import { ApiError } from "../../errors";
import { findJob, unfinishedTrainJob } from "../../db/jobs";
import { GPU_MEMORY_GB } from "../../billing/gpu-prices";
import { cancelJob } from "../jobs/callbacks";
import { getModel, getWritableModel } from "../models";
import { revokeJobKey } from "./job-keys";
import { finiteMetrics } from "./metrics";

/** Console chunks a status read returns at most (5 lines each, as the package batches them). */
const CONSOLE_CHUNKS = 200;

/** The Train tab's charts: which metric keys each one plots. */
const CHARTS = {
  metrics: "metrics/",
  trainLoss: "train/",
  valLoss: "val/",
  learningRate: "lr/",
} as const;

export async function trainingStatus(deps: Deps, actor: Actor, ref: ModelRef, detail: boolean) {
  const { view } = await getModel(deps, actor, ref);
  const run = (await latestRun(deps.db, view.model.id)) ?? (await queuedRun(deps, view.model.id));
  if (!run) return { job: null };
  const { row: newest, count } = await lastEpoch(deps.db, run.id);
  const cloudJob = run.jobId ? await findJob(deps.db, run.jobId) : undefined;
  const job = { ...describeRun(deps, view.model.status, run, newest, count), compute: computeOf(cloudJob?.gpuType) };
  if (!detail) return { job };
  const [epochs, chunks] = await Promise.all([epochsOf(deps.db, run.id), consoleTail(deps.db, run.id, CONSOLE_CHUNKS)]);
  return {
    job,
    jobId: run.jobId,
    charts: chartsOf(epochs),
    console: chunks.map((chunk) => chunk.content).join("\n"),
    system: run.system ?? null,
  };
}

/** What the progress answer reads of a run. */
type RunSummary = Pick<
  RunRow,
  "id" | "jobId" | "status" | "epochs" | "trainArgs" | "error" | "system" | "startedAt" | "finishedAt" | "updatedAt"
>;

/** A cloud run before its trainer's training_started: the queued job, as a run of no epochs yet. */
async function queuedRun(deps: Deps, modelId: string): Promise<RunSummary | undefined> {
  const job = await unfinishedTrainJob(deps.db, modelId);
  if (!job) return undefined;
  const args = (job.spec as { args?: Record<string, unknown> }).args ?? {};
  const epochs = typeof args.epochs === "number" ? args.epochs : null;
  return {
    id: job.id,
    jobId: job.id,
    status: "running",
    epochs,
    trainArgs: args,
    error: null,
    system: null,
    startedAt: job.createdAt,
    finishedAt: null,
    updatedAt: job.updatedAt,
  };
}

/** The GPU a cloud run trains on, as the Train tab names it. */
function computeOf(gpuType: string | null | undefined) {
  if (!gpuType) return null;
  const words = gpuType.split("-").map((word) => (word === "pcie" ? "PCIe" : word.toUpperCase()));
  return { gpuType, gpuDisplayName: words.join(" "), gpuMemoryGb: GPU_MEMORY_GB[gpuType] ?? 0 };
}

function describeRun(deps: Deps, status: ModelStatus, run: RunSummary, newest: EpochRow | undefined, done: number) {
  const total = run.epochs ?? Math.max(done, 1);
  const finished = run.status !== "running";
  const end = (run.finishedAt ?? deps.now()).getTime();
  const elapsedMs = Math.max(0, end - run.startedAt.getTime());
  const timePerEpochMs = done ? Math.round(elapsedMs / done) : 0;
  return {
    id: run.id,
    status,
    progress: {
      currentEpoch: done,
      totalEpochs: total,
      startedAt: run.startedAt.toISOString(),
      ...(run.finishedAt ? { completedAt: run.finishedAt.toISOString() } : {}),
      percentage: run.status === "completed" ? 100 : Math.min(100, Math.round((done / total) * 1000) / 10),
    },
    timing: { elapsedMs, timePerEpochMs, etaMs: finished ? 0 : Math.max(0, total - done) * timePerEpochMs },
    compute: null,
    trainArgs: trainArgsOf(run.trainArgs),
    epochMetrics: newest ? finiteMetrics(newest.metrics) : null,
    error: run.error ?? null,
    createdAt: run.startedAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
  };
}

/** The contract's four headline arguments, where the run has them. */
function trainArgsOf(args: Record<string, unknown>) {
  const picked: Record<string, string | number> = {};
  if (typeof args.model === "string") picked.model = args.model;
  for (const key of ["epochs", "batch", "imgsz"]) {
    const value = args[key];
    if (typeof value === "number" || typeof value === "string") picked[key] = value;
  }
  return Object.keys(picked).length ? picked : null;
}

/** Per chart, per metric, its value at each epoch (null where it was not finite). */
function chartsOf(epochs: EpochRow[]) {
  const charts: Record<string, Record<string, { epoch: number; value: number | null }[]>> = {};
  for (const [chart, prefix] of Object.entries(CHARTS)) {
    const series: Record<string, { epoch: number; value: number | null }[]> = {};
    for (const row of epochs)
      for (const [key, value] of Object.entries(row.metrics))
        if (key.startsWith(prefix)) (series[key] ??= []).push({ epoch: row.epoch, value });
    charts[chart] = series;
  }
  return charts;
}

/**
 * Stops the model's training: a cloud job is cancelled (its runner stops the process, its credits
 * settle for the time it ran), and the run and the model are cancelled now; the package learns
 * it from its next epoch_end answer.
 */
export async function cancelTraining(deps: Deps, actor: Actor, ref: ModelRef) {
  const { model } = await getWritableModel(deps, actor, ref);
  const [job, run] = await Promise.all([unfinishedTrainJob(deps.db, model.id), latestRun(deps.db, model.id)]);
  const runActive = run?.status === "running";
  if (!job && !runActive) throw new ApiError("CONFLICT", "Training is no longer active");
  if (job) {
    await cancelJob(deps, job);
    await revokeJobKey(deps.db, deps.env, job.id);
  }
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    if (run && runActive)
      await updateRun(tx, run.id, { status: "cancelled", cancelRequestedAt: now, finishedAt: now, updatedAt: now });
    await updateModelFields(tx, model.id, { status: "cancelled", updatedAt: now });
  });
  return { success: true as const, status: "cancelled" as const };
}
