/**
 * Whole-dataset edits of the Data tab: merging and deleting classes (labels renumbered so ids
 * stay dense), redistributing splits by percentage, and cloning a dataset (its pictures shared by
 * hash, not copied).
 */
import type { Actor } from "../auth/actor";
import { assertWritable, targetWorkspace } from "../auth/policy";
import type { Deps } from "../context";
import { insertDataset, updateDatasetFields, type DatasetRef, type DatasetView } from "../db/datasets";
import { assignSplits, copyImages, holdAllImages, remapLabels, splitPlanRows } from "../db/dataset-edits";
import { recountDataset } from "../db/images";
import type { Split } from "../db/schema";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { getDataset } from "./datasets";
import { copyIcon } from "./icons";
import { orConflict, slugify } from "./resource-edits";

async function editable(deps: Deps, actor: Actor, ref: DatasetRef): Promise<DatasetView> {
  const view = await getDataset(deps, actor, ref);
  await assertWritable(deps, actor, view.dataset, "Dataset");
  if (view.dataset.status === "processing")
    throw new ApiError("CONFLICT", "The dataset is processing an ingest; edit it when it is done");
  return view;
}

function checkClassIds(ids: number[], count: number, field: string): void {
  const outside = ids.find((id) => id >= count);
  if (outside !== undefined)
    throw new ApiError(
      "VALIDATION_ERROR",
      `Invalid body: ${field}: ${outside} is not a class (the dataset has ${count})`,
    );
}

/**
 * Removes `removed` classes: `into[i]` says where class i's labels go (a kept class, or null to
 * drop them). Later classes move down so ids stay 0..n-1.
 */
async function removeClasses(
  deps: Deps,
  view: DatasetView,
  removed: Set<number>,
  into: (old: number) => number | null,
) {
  const { dataset } = view;
  const names = dataset.classNames;
  const newIndex = (old: number) => old - [...removed].filter((gone) => gone < old).length;
  const map = names.map((_, old) => {
    const target = into(old);
    return target === null ? null : newIndex(target);
  });
  const classNames = names.filter((_, old) => !removed.has(old));
  // Colours are kept by class name: a removed class's goes with it.
  const gone = new Set(names.filter((_, old) => removed.has(old)));
  const classColors = Object.fromEntries(Object.entries(dataset.classColors ?? {}).filter(([name]) => !gone.has(name)));
  const first = Math.min(...removed);
  const affected = names.map((_, i) => i).filter((i) => i >= first);
  const now = deps.now();
  const dropped = await deps.db.transaction(async (tx) => {
    const count = await remapLabels(tx, dataset.id, map, affected, now);
    await updateDatasetFields(tx, dataset.id, { classNames, classColors, updatedAt: now });
    await recountDataset(tx, dataset.id, now);
    return count;
  });
  return { classNames, classColors, dropped, newIndex };
}

/** Relabels the source classes' annotations as the target class, then removes the sources. */
export async function mergeClasses(
  deps: Deps,
  actor: Actor,
  ref: DatasetRef,
  input: { sourceClassIds: number[]; targetClassId: number },
) {
  const view = await editable(deps, actor, ref);
  const count = view.dataset.classNames.length;
  checkClassIds([...input.sourceClassIds, input.targetClassId], count, "sourceClassIds/targetClassId");
  const sources = new Set(input.sourceClassIds.filter((id) => id !== input.targetClassId));
  if (!sources.size)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: sourceClassIds: name classes other than the target");
  const done = await removeClasses(deps, view, sources, (old) => (sources.has(old) ? input.targetClassId : old));
  return {
    classNames: done.classNames,
    classColors: done.classColors,
    mergedClassIds: [...sources].sort((a, b) => a - b),
    targetClassId: done.newIndex(input.targetClassId),
  };
}

/** Removes classes and every annotation of them. */
export async function deleteClasses(deps: Deps, actor: Actor, ref: DatasetRef, classIds: number[]) {
  const view = await editable(deps, actor, ref);
  checkClassIds(classIds, view.dataset.classNames.length, "classIds");
  const removed = new Set(classIds);
  const done = await removeClasses(deps, view, removed, (old) => (removed.has(old) ? null : old));
  return {
    classNames: done.classNames,
    classColors: done.classColors,
    deletedClassIds: [...removed].sort((a, b) => a - b),
    deletedAnnotations: done.dropped,
  };
}

/**
 * Reassigns every image to train/val/test in the given percentages, at random. Images sharing a
 * file name never land in one split (a split is a folder of the exported dataset).
 */
export async function redistributeSplits(
  deps: Deps,
  actor: Actor,
  ref: DatasetRef,
  percent: { train: number; val: number; test: number },
) {
  if (percent.train + percent.val + percent.test !== 100)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: train, val and test must add up to 100");
  const view = await editable(deps, actor, ref);
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const rows = await splitPlanRows(tx, view.dataset.id);
    const plan = planSplits(rows, percent);
    const moves = rows
      .filter((row) => plan.get(row.id) !== row.split)
      .map((row) => ({ id: row.id, split: plan.get(row.id)! }));
    // Each moved image first leaves for a split of its own, then takes its place: two images of one
    // name trading splits never meet on the way (the name is unique per split).
    await assignSplits(
      tx,
      view.dataset.id,
      moves.map((move) => ({ id: move.id, split: `moving-${move.id}` })),
      now,
    );
    await assignSplits(tx, view.dataset.id, moves, now);
    await recountDataset(tx, view.dataset.id, now);
    const splits = { train: 0, val: 0, test: 0 };
    for (const split of plan.values()) splits[split]++;
    return { splits, modified: moves.length };
  });
}

const SPLITS: Split[] = ["train", "val", "test"];

function planSplits(rows: { id: string; filename: string }[], percent: Record<Split, number>): Map<string, Split> {
  const quota: Record<Split, number> = { train: 0, val: 0, test: 0 };
  quota.val = Math.round((rows.length * percent.val) / 100);
  quota.test = Math.round((rows.length * percent.test) / 100);
  quota.train = rows.length - quota.val - quota.test;
  // Images sharing a name go first, largest group first, each to the free split with the most room:
  // the singles placed last then fill every quota exactly, whatever order the shuffle gave.
  const groups = new Map<string, string[]>();
  for (const row of shuffle(rows)) groups.set(row.filename, [...(groups.get(row.filename) ?? []), row.id]);
  const plan = new Map<string, Split>();
  for (const ids of [...groups.values()].sort((a, b) => b.length - a.length)) {
    const free = new Set(SPLITS);
    for (const id of ids) {
      const split = [...free].sort((a, b) => quota[b] - quota[a])[0] ?? "train";
      quota[split]--;
      free.delete(split);
      plan.set(id, split);
    }
  }
  return plan;
}

/** Fisher-Yates: every order equally likely (a random comparator in sort() is not). */
function shuffle<T>(items: T[]): T[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled;
}

export interface DatasetCloneInput {
  name?: string;
  dataset?: string;
  visibility?: "public" | "private";
  license?: string;
  owner?: string;
}

/** A copy of a readable dataset in a workspace the caller may edit: rows copied, pictures shared and booked again. */
export async function cloneDataset(deps: Deps, actor: Actor, ref: DatasetRef, input: DatasetCloneInput) {
  const { dataset: source } = await getDataset(deps, actor, ref);
  if (source.status === "processing")
    throw new ApiError("CONFLICT", "The dataset is processing an ingest; clone it when it is done");
  const workspace = await targetWorkspace(deps, actor, input.owner);
  const slug = input.dataset ?? (input.name ? slugify(input.name) : `${source.slug}-copy`.slice(0, 128));
  if (!slug) throw new ApiError("VALIDATION_ERROR", "Invalid body: dataset: could not derive a dataset name");
  const now = deps.now();
  const id = newId("dataset");
  // The icon is copied, not shared: each dataset replaces or removes its own.
  const icon = source.iconKey ? await copyIcon(deps, source.iconKey, workspace.id, id) : null;
  const dataset = await orConflict(
    () =>
      deps.db.transaction(async (tx) => {
        const row = await insertDataset(tx, {
          ...source,
          id,
          iconKey: icon?.key ?? null,
          workspaceId: workspace.id,
          slug,
          name: input.name ?? source.name,
          visibility: input.visibility ?? "private",
          license: input.license ?? source.license,
          status: "ready",
          starCount: 0,
          createdAt: now,
          updatedAt: now,
          deletedAt: null,
        });
        await icon?.record(tx);
        await copyImages(tx, source.id, row.id, workspace.id, now);
        await holdAllImages(tx, row.id, workspace.id);
        await recountDataset(tx, row.id, now);
        return row;
      }),
    () => `Dataset ${slug} already exists in ${workspace.username}`,
  ).catch((error: unknown) => {
    if (icon) deps.waitUntil(deps.bucket.delete(icon.key));
    throw error;
  });
  return {
    id: dataset.id,
    owner: workspace.username,
    dataset: dataset.slug,
    name: dataset.name,
    imageCount: source.imageCount,
    classCount: source.classNames.length,
    region: workspace.region,
  };
}
