import { isSignedIn, type Actor } from "../auth/actor";
import { assertReadable, assertWritable, listedOwner, targetWorkspace, viewerOf } from "../auth/policy";
import type { Deps } from "../context";
import type { Queryable } from "../db/client";
import {
  datasetStarTables,
  findDataset,
  insertDataset,
  listDatasets,
  modelsTrainedOn,
  moveDatasetToTrash,
  readableDatasetId,
  updateDatasetFields,
  type DatasetRef,
  type DatasetView,
} from "../db/datasets";
import { setStar } from "../db/stars";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { isStarOnly, orConflict, slugAfterEdit } from "./resource-edits";
import { parseUlName } from "./ul-uri";

export interface DatasetCreate {
  slug: string;
  name: string;
  description?: string;
  metadata?: Record<string, unknown>;
  visibility?: "public" | "private";
  task?: string;
  imageCount?: number;
  classNames?: string[];
  format?: "yolo" | "coco" | "raw" | "ndjson";
  tags?: string[];
  license?: string;
  owner?: string;
}

export interface DatasetPatch {
  slug?: string;
  name?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  visibility?: "public" | "private";
  tags?: string[];
  classNames?: string[];
  classColors?: Record<string, string>;
  format?: "yolo" | "coco" | "raw" | "ndjson";
  task?: string;
  license?: string;
  iconColor?: string;
  iconLetter?: string;
  starred?: boolean;
}

/** The most models one dataset's page lists. */
const TRAINED_MODELS_LIMIT = 1000;

/** Loads a live dataset the actor may read; private ones of others are NOT_FOUND. */
export async function getDataset(deps: Deps, actor: Actor, ref: DatasetRef): Promise<DatasetView> {
  const view = await findDataset(deps.db, ref, viewerOf(actor));
  if (!view) throw new ApiError("NOT_FOUND", "Dataset not found");
  await assertReadable(deps, actor, view.dataset, "Dataset");
  return view;
}

export async function listOwnerDatasets(
  deps: Deps,
  actor: Actor,
  params: { owner?: string; slug?: string; limit: number },
) {
  const owner = listedOwner(actor, params.owner);
  const result = await listDatasets(deps.db, {
    owner,
    viewer: viewerOf(actor),
    slug: params.slug,
    limit: params.limit,
  });
  if (!result.ownerFound) throw new ApiError("NOT_FOUND", `Owner ${owner} not found`);
  return result;
}

export async function createDataset(deps: Deps, actor: Actor, input: DatasetCreate): Promise<DatasetView> {
  const workspace = await targetWorkspace(deps, actor, input.owner);
  const now = deps.now();
  const dataset = await orConflict(
    () =>
      insertDataset(deps.db, {
        id: newId("dataset"),
        workspaceId: workspace.id,
        slug: input.slug,
        name: input.name,
        description: input.description ?? "",
        metadata: input.metadata ?? {},
        visibility: input.visibility ?? "private",
        task: input.task ?? "detect",
        format: input.format ?? "yolo",
        classNames: input.classNames ?? [],
        tags: input.tags ?? [],
        license: input.license ?? null,
        imageCount: input.imageCount ?? 0,
        iconLetter: input.name.trim().charAt(0).toUpperCase(),
        createdAt: now,
        updatedAt: now,
      }),
    () => `Dataset ${input.slug} already exists in ${workspace.username}`,
  );
  return { dataset, owner: workspace.username, region: workspace.region, isStarred: false };
}

/** Changes a dataset, or (`{starred}` alone) stars it for the caller; answers its URL name. */
export async function updateDataset(
  deps: Deps,
  actor: Actor,
  ref: DatasetRef,
  patch: DatasetPatch,
): Promise<{ slug: string; starCount?: number }> {
  const view = await getDataset(deps, actor, ref);
  if (isStarOnly(patch)) {
    if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
    return {
      slug: view.dataset.slug,
      starCount: await setStar(deps.db, datasetStarTables, view.dataset.id, actor.userId, patch.starred),
    };
  }

  await assertWritable(deps, actor, view.dataset, "Dataset");
  const { starred: _starred, ...changes } = patch;
  const slug = slugAfterEdit(changes, view.dataset.slug);
  const updated = await orConflict(
    () =>
      updateDatasetFields(deps.db, view.dataset.id, { ...changes, ...(slug ? { slug } : {}), updatedAt: deps.now() }),
    () => `Dataset ${slug} already exists in ${view.owner}`,
  );
  if (!updated) throw new ApiError("NOT_FOUND", "Dataset not found");
  return { slug: updated.slug };
}

/** Soft delete: the dataset goes to the trash for 30 days. */
export async function trashDataset(deps: Deps, actor: Actor, ref: DatasetRef): Promise<void> {
  const view = await getDataset(deps, actor, ref);
  await assertWritable(deps, actor, view.dataset, "Dataset");
  if (!(await moveDatasetToTrash(deps.db, view.dataset, deps.now())))
    throw new ApiError("NOT_FOUND", "Dataset not found");
}

/**
 * The dataset a model's training arguments name (`data: ul://owner/datasets/slug`, what the
 * ultralytics client trains on), when the model's workspace can read it: how uploaded and
 * inspected models come to be listed on their dataset. Anything else names no dataset here.
 */
export async function datasetOfTrainArgs(
  db: Queryable,
  trainArgs: Record<string, unknown> | null | undefined,
  workspaceId: string,
): Promise<string | undefined> {
  const name = parseUlName(trainArgs?.data);
  if (name?.kind !== "dataset") return undefined;
  return readableDatasetId(db, name.ref, { workspaceId });
}

/** The models trained on a readable dataset that the actor may see, newest first. */
export async function trainedModels(deps: Deps, actor: Actor, ref: DatasetRef) {
  const view = await getDataset(deps, actor, ref);
  return modelsTrainedOn(deps.db, view.dataset.id, viewerOf(actor), TRAINED_MODELS_LIMIT);
}
