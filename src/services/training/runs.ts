/**
 * Training runs as the ultralytics package reports them (CLIENTS.md §3): `training_started`
 * finds or makes the project and the model (a new `name-2` when the name belongs to a finished
 * model) and opens a run; later events name the model and land on its newest run.
 */
import type { Actor } from "../../auth/actor";
import { assertWritable } from "../../auth/policy";
import type { Deps } from "../../context";
import { findProject } from "../../db/projects";
import { insertModel, updateModelFields, type ModelRef } from "../../db/models";
import { eventTarget, insertRun, latestRun, updateRun, type RunRow } from "../../db/training";
import type { ModelStatus } from "../../db/schema";
import { ApiError } from "../../errors";
import { newId } from "../../ids";
import { datasetOfTrainArgs } from "../datasets";
import { freeModelSlug, getWritableModel } from "../models";
import { createProject } from "../projects";
import { orConflict, slugify } from "../resource-edits";

/** A `training_started` again within this time of the run's last event is a retry of the same start. */
const REJOIN_MS = 10 * 60 * 1000;
const FINISHED: ModelStatus[] = ["completed", "failed", "cancelled"];

export interface RunStart {
  project?: string;
  name?: string;
  modelId?: string;
  trainArgs: Record<string, unknown>;
  epochs?: number;
  device?: string;
  environment: Record<string, unknown>;
}

/** Where an event's model is: `modelId`, or the `project: "owner/project"` and `name` of older versions. */
export function modelRefOf(event: { modelId?: string; project?: string; name?: string }): ModelRef {
  if (event.modelId) return { id: event.modelId };
  const [owner, project, ...rest] = (event.project ?? "").split("/");
  if (!owner || !project || rest.length || !event.name)
    throw new ApiError(
      "VALIDATION_ERROR",
      'Invalid body: name the model by modelId, or by project "owner/project" and name',
    );
  return { owner, project: slugify(project), slug: slugify(event.name) };
}

/** Opens a run (or finds the one a retried start already opened); answers the model and the run. */
export async function startRun(deps: Deps, actor: Actor, start: RunStart) {
  // A cloud job's own key trains its model, whatever name the run was given.
  const bound = actor.kind === "key" ? actor.boundTo : undefined;
  const ref = bound ? { id: bound.modelId } : modelRefOf(start);
  const modelId = "id" in ref ? ref.id : await modelForStart(deps, actor, ref);
  const { model } = await getWritableModel(deps, actor, { id: modelId });
  const now = deps.now();
  const current = await latestRun(deps.db, model.id);
  if (current && current.status === "running" && now.getTime() - current.updatedAt.getTime() < REJOIN_MS)
    return { model, run: current };
  const run = await deps.db.transaction(async (tx) => {
    if (current?.status === "running")
      await updateRun(tx, current.id, {
        status: "failed",
        error: { message: "A new run started before this one ended", timestamp: now.toISOString() },
        finishedAt: now,
      });
    const opened = await insertRun(tx, {
      id: newId("trainingRun"),
      modelId: model.id,
      workspaceId: model.workspaceId,
      jobId: bound?.jobId ?? null,
      trainArgs: start.trainArgs,
      epochs: start.epochs ?? null,
      device: start.device ?? null,
      environment: start.environment,
      startedAt: now,
      updatedAt: now,
    });
    const datasetId = await datasetOfTrainArgs(tx, start.trainArgs, model.workspaceId);
    await updateModelFields(tx, model.id, {
      status: "running",
      trainArgs: start.trainArgs,
      ...(datasetId ? { datasetId } : {}),
      epochs: start.epochs ?? null,
      startedAt: now,
      completedAt: null,
      trainingError: null,
      updatedAt: now,
    });
    return opened;
  });
  return { model: { ...model, status: "running" as const }, run };
}

/**
 * The model a start names by project and name: the project is made when missing (in a workspace
 * the caller may edit); a finished model of that name gets a sibling `name-2`, `name-3`, ...
 */
async function modelForStart(deps: Deps, actor: Actor, ref: Extract<ModelRef, { owner: string }>): Promise<string> {
  const project = await projectForStart(deps, actor, ref.owner, ref.project);
  await assertWritable(deps, actor, project, "Project");
  const existing = await getWritableModel(deps, actor, ref).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === "NOT_FOUND") return undefined;
    throw error;
  });
  if (existing && !FINISHED.includes(existing.model.status)) return existing.model.id;
  const slug = await freeModelSlug(deps.db, project.id, ref.slug || "train");
  const now = deps.now();
  const model = await orConflict(
    () =>
      insertModel(deps.db, {
        id: newId("model"),
        workspaceId: project.workspaceId,
        projectId: project.id,
        slug,
        name: slug,
        visibility: project.visibility,
        status: "running",
        startedAt: now,
        createdAt: now,
        updatedAt: now,
      }),
    () => `Another run took the name ${slug} at the same moment; start again`,
  );
  return model.id;
}

/** The project a start names, made when missing; runs starting at once into a new project share it. */
async function projectForStart(deps: Deps, actor: Actor, owner: string, slug: string) {
  const find = async () => (await findProject(deps.db, { owner, slug }))?.project;
  const found = await find();
  if (found) return found;
  try {
    return (await createProject(deps, actor, { owner, slug, name: slug })).project;
  } catch (error) {
    const madeMeanwhile = error instanceof ApiError && error.code === "CONFLICT" ? await find() : undefined;
    if (!madeMeanwhile) throw error;
    return madeMeanwhile;
  }
}

/**
 * The model an event names, the right to write it and its newest run (409 without one), in one
 * query: every event after training_started goes through here.
 */
export async function eventRun(deps: Deps, actor: Actor, event: { modelId?: string; project?: string; name?: string }) {
  const target = await eventTarget(deps.db, modelRefOf(event));
  if (!target) throw new ApiError("NOT_FOUND", "Model not found");
  const bound = actor.kind === "key" ? actor.boundTo : undefined;
  if (bound && bound.modelId !== target.id)
    throw new ApiError("FORBIDDEN", "This training job's key may write its own model only");
  await assertWritable(deps, actor, { workspaceId: target.workspaceId, visibility: target.visibility }, "Model");
  if (!target.runId || !target.runStatus)
    throw new ApiError("CONFLICT", "No training run of this model: send training_started first");
  return {
    modelId: target.id,
    runId: target.runId,
    status: target.runStatus,
    running: target.runStatus === "running",
    cancelled: target.runStatus === "cancelled" || target.cancelRequested,
  };
}

/** Whether the run was asked to stop (its next epoch_end answer says so). */
export function isCancelled(run: RunRow): boolean {
  return run.status === "cancelled" || run.cancelRequestedAt !== null;
}
