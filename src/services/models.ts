import { isSignedIn, type Actor } from "../auth/actor";
import { assertReadable, assertWritable, canEdit } from "../auth/policy";
import type { Deps } from "../context";
import type { Queryable } from "../db/client";
import {
  countDownload,
  currentFiles,
  findModel,
  insertModel,
  isModelSlugTaken,
  listCompletedModels,
  moveModelToTrash,
  modelStarTables,
  updateModelFields,
  type ModelRef,
  type ModelView,
  type NewModel,
} from "../db/models";
import type { ProjectRef } from "../db/projects";
import type { ModelStatus } from "../db/schema";
import { setStar } from "../db/stars";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { signedDownloadUrl } from "../storage/signed-url";
import { datasetOfTrainArgs, getDataset } from "./datasets";
import { getProject } from "./projects";
import { isStarOnly, orConflict, slugAfterEdit, slugify } from "./resource-edits";

const DOWNLOAD_TTL_MS = 60 * 60 * 1000;

export interface ModelCreate {
  project: ProjectRef;
  slug?: string;
  name?: string;
  description?: string;
  task?: string;
  visibility?: "public" | "private";
  metadata?: Record<string, unknown>;
  trainArgs?: Record<string, unknown>;
  trainResults?: { epoch: number; metrics?: Record<string, number>; fitness?: number; timestamp?: string }[];
  epochs?: number;
  metrics?: Record<string, number>;
  version?: string;
  completedAt?: string;
}

export interface ModelPatch {
  slug?: string;
  name?: string;
  description?: string;
  color?: string | null;
  metadata?: Record<string, unknown>;
  status?: ModelStatus;
  license?: string;
  visibility?: "public" | "private";
  task?: string;
  datasetId?: string | null;
  trainArgs?: Record<string, unknown>;
  starred?: boolean;
}

/** A model is public only when both it and its project are. */
export function effectiveVisibility(view: Pick<ModelView, "model" | "project">): "public" | "private" {
  return view.model.visibility === "public" && view.project.visibility === "public" ? "public" : "private";
}

/** Loads a live model the actor may read. A model is public only if its project is too; else NOT_FOUND to outsiders. */
export async function getModel(
  deps: Deps,
  actor: Actor,
  ref: ModelRef,
): Promise<{ view: ModelView; isOwner: boolean; isEditor: boolean }> {
  return readableModel(deps, actor, await findModel(deps.db, ref, viewerId(actor)));
}

/** The read check of getModel, for a model loaded with more than its view (findModelWithOnnx). */
export async function readableModel<View extends ModelView>(
  deps: Deps,
  actor: Actor,
  view: View | undefined,
): Promise<{ view: View; isOwner: boolean; isEditor: boolean }> {
  if (!view) throw new ApiError("NOT_FOUND", "Model not found");
  const role = await assertReadable(
    deps,
    actor,
    { workspaceId: view.model.workspaceId, visibility: effectiveVisibility(view) },
    "Model",
  );
  return { view, isOwner: role === "owner" || role === "admin", isEditor: canEdit(role) };
}

/** Whose stars a model view shows. */
export function viewerId(actor: Actor): string | undefined {
  return isSignedIn(actor) ? actor.userId : undefined;
}

/** A model the actor may change (editor rights in its workspace). */
export async function getWritableModel(deps: Deps, actor: Actor, ref: ModelRef): Promise<ModelView> {
  const { view } = await getModel(deps, actor, ref);
  await assertModelWritable(deps, actor, view);
  return view;
}

/** Editor rights on a model already loaded (readable, so a refusal is FORBIDDEN, not NOT_FOUND). */
export async function assertModelWritable(deps: Deps, actor: Actor, view: ModelView): Promise<void> {
  if (actor.kind === "key" && actor.boundTo && actor.boundTo.modelId !== view.model.id)
    throw new ApiError("FORBIDDEN", "This training job's key may write its own model only");
  await assertWritable(deps, actor, { workspaceId: view.model.workspaceId, visibility: "public" }, "Model");
}

export async function listCompleted(deps: Deps, actor: Actor, limit: number) {
  if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
  return listCompletedModels(deps.db, { workspaceId: actor.workspaceId, limit, userId: actor.userId });
}

export async function createModel(deps: Deps, actor: Actor, input: ModelCreate): Promise<ModelView> {
  const { view: project } = await getProject(deps, actor, input.project);
  await assertWritable(deps, actor, project.project, "Project");
  const slug =
    input.slug ?? (await freeModelSlug(deps.db, project.project.id, (input.name && slugify(input.name)) || "model"));
  const now = deps.now();
  const best = bestOf(input.trainResults);
  const values: NewModel = {
    id: newId("model"),
    workspaceId: project.project.workspaceId,
    projectId: project.project.id,
    slug,
    name: input.name ?? slug,
    description: input.description ?? "",
    task: input.task ?? project.project.task ?? null,
    visibility: input.visibility ?? project.project.visibility,
    status: input.completedAt ? "completed" : "untrained",
    metadata: input.metadata ?? {},
    trainArgs: input.trainArgs ?? null,
    datasetId: (await datasetOfTrainArgs(deps.db, input.trainArgs, project.project.workspaceId)) ?? null,
    trainResults:
      input.trainResults?.map((row) => ({
        epoch: row.epoch,
        metrics: row.metrics ?? {},
        ...(row.fitness !== undefined ? { fitness: row.fitness } : {}),
        ...(row.timestamp ? { timestamp: row.timestamp } : {}),
      })) ?? null,
    epochs: input.epochs ?? input.trainResults?.length ?? null,
    bestEpoch: best?.epoch ?? null,
    bestFitness: best?.fitness ?? null,
    metrics: input.metrics ?? null,
    ultralyticsVersion: input.version ?? null,
    completedAt: input.completedAt ? new Date(input.completedAt) : null,
    createdAt: now,
    updatedAt: now,
  };
  const model = await orConflict(
    () => insertModel(deps.db, values),
    () => `Model ${slug} already exists in ${project.owner}/${project.project.slug}`,
  );
  return {
    model,
    owner: project.owner,
    region: project.region,
    project: pick(project.project),
    isStarred: false,
    weights: null,
    epochCount: model.trainResults?.length ?? 0,
  };
}

function pick(project: { id: string; slug: string; name: string; visibility: "public" | "private" }) {
  return { id: project.id, slug: project.slug, name: project.name, visibility: project.visibility };
}

function bestOf(rows: ModelCreate["trainResults"]) {
  let best: { epoch: number; fitness: number } | undefined;
  for (const row of rows ?? [])
    if (row.fitness !== undefined && (!best || row.fitness > best.fitness))
      best = { epoch: row.epoch, fitness: row.fitness };
  return best;
}

export type ModelUpdateResult =
  | { kind: "updated"; slug: string }
  | { kind: "starred"; starred: boolean; starCount: number };

export async function updateModel(
  deps: Deps,
  actor: Actor,
  ref: ModelRef,
  patch: ModelPatch,
): Promise<ModelUpdateResult> {
  const { view } = await getModel(deps, actor, ref);
  if (isStarOnly(patch)) {
    if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
    return {
      kind: "starred",
      starred: patch.starred,
      starCount: await setStar(deps.db, modelStarTables, view.model.id, actor.userId, patch.starred),
    };
  }
  await assertModelWritable(deps, actor, view);
  const { starred: _starred, ...changes } = patch;
  // A model may only name a dataset its editor can see; new training arguments may name one.
  if (changes.datasetId) await getDataset(deps, actor, { id: changes.datasetId });
  const linked =
    changes.datasetId === undefined
      ? await datasetOfTrainArgs(deps.db, changes.trainArgs, view.model.workspaceId)
      : undefined;
  const slug = slugAfterEdit(changes, view.model.slug);
  const updated = await orConflict(
    () =>
      updateModelFields(deps.db, view.model.id, {
        ...changes,
        ...(slug ? { slug } : {}),
        ...(linked ? { datasetId: linked } : {}),
        updatedAt: deps.now(),
      }),
    () => `Model ${slug} already exists in ${view.owner}/${view.project.slug}`,
  );
  if (!updated) throw new ApiError("NOT_FOUND", "Model not found");
  return { kind: "updated", slug: updated.slug };
}

export async function trashModel(deps: Deps, actor: Actor, ref: ModelRef): Promise<void> {
  const view = await getWritableModel(deps, actor, ref);
  if (!(await moveModelToTrash(deps.db, view, deps.now()))) throw new ApiError("NOT_FOUND", "Model not found");
}

/** Signed, short-lived download URLs of the model's current files. */
export async function modelFileUrls(deps: Deps, actor: Actor, ref: ModelRef) {
  const { view } = await getModel(deps, actor, ref);
  const files = await currentFiles(deps.db, view.model.id);
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_TTL_MS);
  return Promise.all(
    files.map(async (file) => ({
      name: file.name,
      size: file.sizeBytes,
      downloadUrl: await signedDownloadUrl(deps.env.SIGNING_SECRET, deps.baseUrl, file.objectKey, file.name, expiresAt),
    })),
  );
}

export async function trackModelDownload(deps: Deps, actor: Actor, ref: ModelRef): Promise<void> {
  const { view } = await getModel(deps, actor, ref);
  await countDownload(deps.db, view.model.id);
}

/** `slug`, or `slug-2`, `slug-3`... whichever is free in the project. */
export async function freeModelSlug(db: Queryable, projectId: string, slug: string): Promise<string> {
  for (let n = 1; n < 100; n++) {
    const candidate = n === 1 ? slug : `${slug.slice(0, 120)}-${n}`;
    if (!(await isModelSlugTaken(db, projectId, candidate))) return candidate;
  }
  throw new ApiError("CONFLICT", `No free model name near ${slug}`);
}
