/**
 * A HUB-era training session (`ultralytics.hub`, CLIENTS.md §2) lands in the same runs, epochs
 * and files as the Platform callbacks: metrics per epoch, heartbeats, epoch checkpoints and the
 * final best.pt with its mAP, which makes the model trained.
 */
import type { Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import { updateModelFields, type ModelView } from "../../db/models";
import { epochsOf, insertRun, latestRun, recordEpoch, updateRun, type RunRow } from "../../db/training";
import { ApiError } from "../../errors";
import { newId } from "../../ids";
import { getWritableModel, getModel } from "../models";
import { keepCheckpoint } from "../training/files";
import { finiteMetrics, metricsOf, parsePythonJson } from "../training/metrics";

/**
 * The model's running run, opened on the session's first sign of life (HUB sends no start event)
 * with the model's training arguments, so that progress knows the epochs whichever call comes first.
 */
async function sessionRun(deps: Deps, model: ModelView["model"]): Promise<RunRow> {
  const current = await latestRun(deps.db, model.id);
  if (current?.status === "running") return current;
  const now = deps.now();
  const trainArgs = model.trainArgs ?? {};
  return deps.db.transaction(async (tx) => {
    const run = await insertRun(tx, {
      id: newId("trainingRun"),
      modelId: model.id,
      workspaceId: model.workspaceId,
      trainArgs,
      epochs: typeof trainArgs.epochs === "number" ? trainArgs.epochs : null,
      startedAt: now,
      updatedAt: now,
    });
    await updateModelFields(tx, model.id, { status: "running", startedAt: now, completedAt: null, updatedAt: now });
    return run;
  });
}

/** `POST /v1/models/{id}` with `type: metrics`: `{"<epoch>": "<JSON of that epoch's metrics>"}`. */
export async function uploadHubMetrics(deps: Deps, actor: Actor, id: string, metrics: Record<string, string>) {
  const view = await getWritableModel(deps, actor, { id });
  const run = await sessionRun(deps, view.model);
  for (const [key, text] of Object.entries(metrics)) {
    const epoch = Number(key);
    let parsed: unknown;
    try {
      parsed = parsePythonJson(text);
    } catch {
      throw new ApiError("VALIDATION_ERROR", `Invalid body: metrics.${key}: not a JSON object of metrics`);
    }
    if (!Number.isInteger(epoch) || epoch < 0 || !parsed || typeof parsed !== "object")
      throw new ApiError("VALIDATION_ERROR", `Invalid body: metrics.${key}: an epoch number and a JSON object`);
    const values = metricsOf(parsed);
    await recordEpoch(deps.db, {
      runId: run.id,
      modelId: view.model.id,
      epoch,
      metrics: values,
      fitness: null,
      bestFitness: null,
      modelMetrics: finiteMetrics(values),
      now: deps.now(),
    });
  }
}

export async function hubMetrics(deps: Deps, actor: Actor, id: string) {
  const { view } = await getModel(deps, actor, { id });
  const run = await latestRun(deps.db, view.model.id);
  if (!run) return [];
  return (await epochsOf(deps.db, run.id)).map((row) => ({ epoch: row.epoch, metrics: row.metrics }));
}

/** `POST /v1/agent/heartbeat/models/{id}`: the session is alive; its agent id is echoed (made on the first beat). */
export async function hubHeartbeat(deps: Deps, actor: Actor, id: string, agentId: string | null) {
  const view = await getWritableModel(deps, actor, { id });
  const run = await sessionRun(deps, view.model);
  await updateRun(deps.db, run.id, { updatedAt: deps.now() });
  return { agentId: agentId ?? crypto.randomUUID() };
}

/**
 * `POST /v1/models/{id}/upload`: an epoch checkpoint (`last.pt`) or, with `type=final`, the best
 * weights and their mAP, which make the model trained.
 */
export async function uploadHubCheckpoint(
  deps: Deps,
  actor: Actor,
  id: string,
  upload: { file: File; final: boolean; map?: number; epoch?: number },
) {
  const view = await getWritableModel(deps, actor, { id });
  const name = upload.final ? "best.pt" : "last.pt";
  await keepCheckpoint(deps, {
    workspaceId: view.model.workspaceId,
    modelId: view.model.id,
    filename: name,
    body: upload.file.stream(),
    size: upload.file.size,
  });
  if (!upload.final) return;
  const now = deps.now();
  const run = await latestRun(deps.db, view.model.id);
  await deps.db.transaction(async (tx) => {
    if (run?.status === "running")
      await updateRun(tx, run.id, { status: "completed", finishedAt: now, updatedAt: now });
    const metrics = {
      ...(view.model.metrics ?? {}),
      ...(upload.map !== undefined ? { "metrics/mAP50-95(B)": upload.map } : {}),
    };
    await updateModelFields(tx, view.model.id, { status: "completed", completedAt: now, metrics, updatedAt: now });
  });
}
