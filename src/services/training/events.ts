/**
 * `POST /api/webhooks/training/metrics`: the ultralytics package's training events, in the order
 * it sends them (CLIENTS.md §3). Each is idempotent on retry: a start rejoins its run, console
 * chunks count once by chunkId, an epoch replaces its own row. Unknown events are accepted and
 * logged, so a newer package never fails on EdgeHub.
 */
import type { Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import { updateModelFields } from "../../db/models";
import { addConsoleChunk, epochsOf, recordEpoch, updateRun } from "../../db/training";
import type { TrainResult } from "../../db/schema";
import { eventRun, isCancelled, runOfEvent, startRun } from "./runs";

export type TrainingEvent = {
  event: string;
  modelId?: string;
  project?: string;
  name?: string;
  data?: Record<string, unknown>;
};

type Answer = Record<string, unknown>;

const numberOr = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);
const record = (value: unknown) =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Numbers only; anything else (null for NaN or Infinity, as newer packages send) is kept as null. */
function metricsOf(value: unknown): Record<string, number | null> {
  return Object.fromEntries(Object.entries(record(value)).map(([key, v]) => [key, numberOr(v)]));
}

export async function handleTrainingEvent(deps: Deps, actor: Actor, body: TrainingEvent): Promise<Answer> {
  const data = record(body.data);
  switch (body.event) {
    case "training_started": {
      const { model, run } = await startRun(deps, actor, {
        ...body,
        trainArgs: record(data.trainArgs),
        epochs: numberOr(data.epochs) ?? undefined,
        device: typeof data.device === "string" ? data.device : undefined,
        environment: record(data.environment),
      });
      return { modelId: model.id, modelSlug: model.slug, runId: run.id, cancelled: isCancelled(run) };
    }
    case "console_output": {
      const run = await eventRun(deps, actor, body);
      const content = typeof data.content === "string" ? data.content : "";
      const chunkId = data.chunkId === undefined ? crypto.randomUUID() : String(data.chunkId);
      const lineCount = numberOr(data.lineCount) ?? content.split("\n").length;
      await addConsoleChunk(deps.db, { runId: run.runId, chunkId: chunkId.slice(0, 200), content, lineCount });
      return { ok: true };
    }
    case "epoch_end":
      return epochEnd(deps, actor, body, data);
    case "checkpoint_saved": {
      const run = await eventRun(deps, actor, body);
      await updateRun(deps.db, run.runId, { updatedAt: deps.now() });
      return { ok: true, cancelled: run.cancelled };
    }
    case "training_complete":
      return trainingComplete(deps, actor, body, data);
    default:
      console.log(`[training] ignored event ${String(body.event).slice(0, 60)}`);
      return { ok: true, ignored: true };
  }
}

/** One query to find the run, one statement to record the epoch: the event a run sends most. */
async function epochEnd(deps: Deps, actor: Actor, body: TrainingEvent, data: Record<string, unknown>) {
  const run = await eventRun(deps, actor, body);
  const epoch = numberOr(data.epoch);
  if (epoch === null || epoch < 0 || !Number.isInteger(epoch)) return { ok: false, cancelled: run.cancelled };
  const metrics = metricsOf(data.metrics);
  await recordEpoch(deps.db, {
    runId: run.runId,
    modelId: run.modelId,
    epoch,
    metrics,
    fitness: numberOr(data.fitness),
    bestFitness: numberOr(data.best_fitness),
    ...(data.system ? { system: record(data.system) } : {}),
    ...(data.modelInfo ? { modelInfo: record(data.modelInfo) } : {}),
    // The model shows the newest epoch's numbers while it trains.
    ...(run.running ? { modelMetrics: finiteOnly(metrics) } : {}),
    now: deps.now(),
  });
  return { ok: true, cancelled: run.cancelled };
}

async function trainingComplete(deps: Deps, actor: Actor, body: TrainingEvent, data: Record<string, unknown>) {
  const { model, run } = await runOfEvent(deps, actor, body);
  const results = record(data.results);
  const now = deps.now();
  const classNames = Array.isArray(data.classNames) ? data.classNames.map(String) : undefined;
  await deps.db.transaction(async (tx) => {
    const epochs = await epochsOf(tx, run.id);
    const trainResults: TrainResult[] = epochs.map((row) => ({
      epoch: row.epoch,
      metrics: finiteOnly(row.metrics),
      ...(row.fitness !== null ? { fitness: row.fitness } : {}),
    }));
    const cancelled = run.status === "cancelled";
    await updateRun(tx, run.id, {
      status: cancelled ? "cancelled" : "completed",
      results: { ...results, ...(Array.isArray(data.plots) ? { plots: data.plots } : {}) },
      finishedAt: run.finishedAt ?? now,
      updatedAt: now,
    });
    if (cancelled) return;
    const bestEpoch = numberOr(results.bestEpoch);
    const bestFitness = numberOr(results.bestFitness);
    await updateModelFields(tx, model.id, {
      status: "completed",
      completedAt: now,
      metrics: finiteOnly(metricsOf(results.metrics)),
      trainResults,
      epochs: trainResults.length,
      ...(bestEpoch !== null ? { bestEpoch } : {}),
      ...(bestFitness !== null ? { bestFitness } : {}),
      ...(classNames ? { classNames } : {}),
      updatedAt: now,
    });
  });
  return { ok: true };
}

function finiteOnly(metrics: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter((entry): entry is [string, number] => entry[1] !== null));
}
