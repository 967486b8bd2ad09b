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
import { finiteMetrics, finiteOrNull, metricsOf } from "./metrics";
import { eventRun, isCancelled, startRun } from "./runs";

export type TrainingEvent = {
  event: string;
  modelId?: string;
  project?: string;
  name?: string;
  data?: Record<string, unknown>;
};

type Answer = Record<string, unknown>;

const record = (value: unknown) =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export async function handleTrainingEvent(deps: Deps, actor: Actor, body: TrainingEvent): Promise<Answer> {
  const data = record(body.data);
  switch (body.event) {
    case "training_started": {
      const { model, run } = await startRun(deps, actor, {
        ...body,
        trainArgs: record(data.trainArgs),
        epochs: finiteOrNull(data.epochs) ?? undefined,
        device: typeof data.device === "string" ? data.device : undefined,
        environment: record(data.environment),
      });
      return { modelId: model.id, modelSlug: model.slug, runId: run.id, cancelled: isCancelled(run) };
    }
    case "console_output": {
      const run = await eventRun(deps, actor, body);
      const content = typeof data.content === "string" ? data.content : "";
      const chunkId = data.chunkId === undefined ? crypto.randomUUID() : String(data.chunkId);
      const lineCount = finiteOrNull(data.lineCount) ?? content.split("\n").length;
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
  const epoch = finiteOrNull(data.epoch);
  if (epoch === null || epoch < 0 || !Number.isInteger(epoch)) return { ok: false, cancelled: run.cancelled };
  const metrics = metricsOf(data.metrics);
  await recordEpoch(deps.db, {
    runId: run.runId,
    modelId: run.modelId,
    epoch,
    metrics,
    fitness: finiteOrNull(data.fitness),
    bestFitness: finiteOrNull(data.best_fitness),
    ...(data.system ? { system: record(data.system) } : {}),
    ...(data.modelInfo ? { modelInfo: record(data.modelInfo) } : {}),
    // The model shows the newest epoch's numbers while it trains.
    ...(run.running ? { modelMetrics: finiteMetrics(metrics) } : {}),
    now: deps.now(),
  });
  return { ok: true, cancelled: run.cancelled };
}

async function trainingComplete(deps: Deps, actor: Actor, body: TrainingEvent, data: Record<string, unknown>) {
  const run = await eventRun(deps, actor, body);
  const results = record(data.results);
  const now = deps.now();
  const classNames = Array.isArray(data.classNames) ? data.classNames.map(String) : undefined;
  await deps.db.transaction(async (tx) => {
    const epochs = await epochsOf(tx, run.runId);
    const trainResults: TrainResult[] = epochs.map((row) => ({
      epoch: row.epoch,
      metrics: finiteMetrics(row.metrics),
      ...(row.fitness !== null ? { fitness: row.fitness } : {}),
    }));
    const cancelled = run.status === "cancelled";
    await updateRun(tx, run.runId, {
      status: cancelled ? "cancelled" : "completed",
      results: { ...results, ...(Array.isArray(data.plots) ? { plots: data.plots } : {}) },
      // A run that ended already (cancelled, or failed and then finished after all) keeps its end.
      ...(run.running ? { finishedAt: now } : {}),
      updatedAt: now,
    });
    if (cancelled) return;
    const bestEpoch = finiteOrNull(results.bestEpoch);
    const bestFitness = finiteOrNull(results.bestFitness);
    await updateModelFields(tx, run.modelId, {
      status: "completed",
      completedAt: now,
      metrics: finiteMetrics(metricsOf(results.metrics)),
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
