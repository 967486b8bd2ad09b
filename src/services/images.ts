import type { Actor } from "../auth/actor";
import { assertWritable } from "../auth/policy";
import type { Deps } from "../context";
import type { Queryable } from "../db/client";
import type { DatasetRef, DatasetView } from "../db/datasets";
import {
  countErrors,
  countImages,
  imagesWithClass,
  deleteImageRows,
  findImageByHash,
  findImagesByHash,
  findImages,
  findImagesInDataset,
  listImages,
  moveImagesToSplit,
  recountDataset,
  takenNames,
  updateImageFields,
  type ImageFilter,
  type ImageRow,
  type ImageSort,
} from "../db/images";
import type { ImageLabel, Split } from "../db/schema";
import { ApiError } from "../errors";
import { imageKey, thumbnailKey } from "../storage/keys";
import { signedDownloadUrl } from "../storage/signed-url";
import { getDataset } from "./datasets";
import { retainedByVersion } from "../db/versions";
import { releaseImageBytes } from "./image-bytes";
import { classIdsOf, labelProblem } from "./labels";

/** Signed image and thumbnail URLs last an hour: long enough to browse a page, short enough to leak little. */
const IMAGE_URL_SECONDS = 3600;

export interface ImageListQuery {
  filter: ImageFilter;
  sort: ImageSort;
  limit: number;
  offset: number;
  cursor?: string;
  includeTotal: boolean;
}

/** A page of a dataset's images: the readable dataset, its rows, and the counts asked for. */
export async function listDatasetImages(deps: Deps, actor: Actor, ref: DatasetRef, query: ImageListQuery) {
  const view = await getDataset(deps, actor, ref);
  const datasetId = view.dataset.id;
  // Known without counting, it also lets a deep offset page be read from the nearer end.
  const known = await knownTotal(deps, view, query.filter);
  let page: Parameters<typeof listImages>[4] = { limit: query.limit, offset: query.offset, total: known };
  if (query.cursor) {
    const [cursor] = await findImagesInDataset(deps.db, datasetId, [query.cursor.toLowerCase()]);
    if (!cursor) throw new ApiError("VALIDATION_ERROR", "Invalid query: cursor: no image of this dataset has that id");
    page = { limit: query.limit, cursor };
  }
  const [{ rows, hasMore }, counts] = await Promise.all([
    listImages(deps.db, datasetId, query.filter, query.sort, page),
    query.includeTotal && known === undefined
      ? countImages(deps.db, datasetId, query.filter)
      : countErrors(deps.db, datasetId).then((errorCount) => ({
          total: query.includeTotal ? known : undefined,
          errorCount,
        })),
  ]);
  return { view, rows, hasMore, counts };
}

/**
 * A total the counters already hold, so the commonest pages count nothing: the dataset's own (all
 * images, one split, the labelled ones), or dataset_class_counts for a lone class. Other filters
 * are counted.
 */
async function knownTotal(deps: Deps, view: DatasetView, filter: ImageFilter): Promise<number | undefined> {
  const { split, hasLabel, hasError, classIds, search } = filter;
  if (hasError !== undefined || search !== undefined) return undefined;
  if (classIds !== undefined)
    return classIds.length === 1 && !split && hasLabel === undefined
      ? imagesWithClass(deps.db, view.dataset.id, classIds[0]!)
      : undefined;
  const { imageCount, splits } = view.dataset;
  if (!split && hasLabel === undefined) return imageCount;
  if (split && hasLabel === undefined) return splits[split];
  if (!split && hasLabel !== undefined) return hasLabel ? splits.labeled : imageCount - splits.labeled;
  return undefined;
}

/** The images of a dataset named by id (at most 1000), in the order asked. */
export async function selectedDatasetImages(deps: Deps, actor: Actor, ref: DatasetRef, ids: string[]) {
  const view = await getDataset(deps, actor, ref);
  const rows = await findImagesInDataset(deps.db, view.dataset.id, lower(ids));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const ordered = lower(ids).flatMap((id) => byId.get(id) ?? []);
  const counts = await countImages(deps.db, view.dataset.id, {});
  return { view, rows: ordered, errorCount: counts.errorCount };
}

/** One image and its dataset, for a reader. Unknown and unreadable are the same 404. */
export async function getImage(deps: Deps, actor: Actor, imageId: string) {
  const [found] = await findImages(deps.db, [imageId.toLowerCase()]);
  if (!found) throw new ApiError("NOT_FOUND", "Image not found");
  const view = await getDataset(deps, actor, { id: found.datasetId }).catch(() => {
    throw new ApiError("NOT_FOUND", "Image not found");
  });
  return { view, image: found.image };
}

/** An image with whether a version of its dataset holds its picture. */
export async function describeImage(deps: Deps, actor: Actor, imageId: string) {
  const { view, image } = await getImage(deps, actor, imageId);
  return { view, image, retained: await retainedByVersion(deps.db, view.dataset.id, image.hash) };
}

/** The docs' form: the dataset's image with these bytes. */
export async function getImageByHash(deps: Deps, actor: Actor, ref: DatasetRef, hash: string) {
  const view = await getDataset(deps, actor, ref);
  const image = await findImageByHash(deps.db, view.dataset.id, hash);
  if (!image) throw new ApiError("NOT_FOUND", "Image not found");
  return { view, image };
}

export type ImagePatch = { labels: ImageLabel[] } | { metadata: Record<string, unknown> } | { split: Split };

/** Replaces an image's labels (validated against the dataset), its metadata, or its split. */
export async function updateImage(
  deps: Deps,
  actor: Actor,
  found: { view: DatasetView; image: ImageRow },
  patch: ImagePatch,
) {
  const { view, image } = found;
  await assertWritable(deps, actor, view.dataset, "Dataset");
  const now = deps.now();
  if ("labels" in patch) {
    assertValidLabels(view, image, patch.labels);
    const changes = { labels: patch.labels, labelCount: patch.labels.length, classIds: classIdsOf(patch.labels) };
    return deps.db.transaction(async (tx) => {
      const updated = await updateImageFields(tx, image.id, { ...changes, updatedAt: now });
      await recountDataset(tx, view.dataset.id, now);
      return updated!;
    });
  }
  if ("split" in patch) {
    const { moved } = await moveToSplit(deps, view, [image.id], patch.split, "skip");
    if (!moved.length) throw new ApiError("CONFLICT", `${patch.split} already holds an image named ${image.filename}`);
    return { ...image, split: patch.split, updatedAt: now };
  }
  return (await updateImageFields(deps.db, image.id, { metadata: patch.metadata, updatedAt: now }))!;
}

function assertValidLabels(view: DatasetView, image: ImageRow, labels: ImageLabel[]): void {
  const { task, classNames, kptShape } = view.dataset;
  const problem = labelProblem(labels, { task, classCount: classNames.length, kptShape });
  if (problem) throw new ApiError("VALIDATION_ERROR", `Invalid labels for image ${image.id}: ${problem}`);
}

export type ConflictPolicy = "skip" | "keep_both" | "replace";

/**
 * Moves images to a split. A split is a folder of the exported dataset, so a name already in the
 * target is a conflict: `skip` leaves the image where it is, `replace` deletes the target's
 * image of that name first, `keep_both` renames the moved one (`name (2).jpg`).
 */
async function moveToSplit(deps: Deps, view: DatasetView, ids: string[], split: Split, policy: ConflictPolicy) {
  const datasetId = view.dataset.id;
  const now = deps.now();
  const result = await deps.db.transaction(async (tx) => {
    const images = (await findImagesInDataset(tx, datasetId, ids)).filter((image) => image.split !== split);
    const taken = new Map(
      (
        await takenNames(
          tx,
          datasetId,
          split,
          images.map((image) => image.filename),
        )
      ).map((row) => [row.filename, row.id]),
    );
    const moving: string[] = [];
    const replaced: string[] = [];
    let skipped = ids.length - images.length;
    for (const image of images) {
      const holder = taken.get(image.filename);
      // Two moved images of one name: the second is a conflict with the first, which stays moved.
      const holderMoves = holder !== undefined && moving.includes(holder);
      if (holder === undefined) {
        moving.push(image.id);
        taken.set(image.filename, image.id);
      } else if (policy === "keep_both") {
        taken.set(await renameImage(tx, image, split), image.id);
        moving.push(image.id);
      } else if (policy === "replace" && !holderMoves) {
        replaced.push(...(await deleteImageRows(tx, datasetId, [holder])).map((row) => row.hash));
        moving.push(image.id);
        taken.set(image.filename, image.id);
      } else skipped++;
    }
    const moved = await moveImagesToSplit(tx, datasetId, moving, split, now);
    await recountDataset(tx, datasetId, now);
    return { moved, skipped, keys: await releaseImageBytes(tx, datasetId, replaced) };
  });
  if (result.keys.length) deps.waitUntil(deps.bucket.delete(result.keys));
  return result;
}

/** Gives an image the first free `name (n).ext` in a split; answers the new name. */
async function renameImage(tx: Queryable, image: ImageRow, split: Split): Promise<string> {
  const dot = image.filename.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [image.filename.slice(0, dot), image.filename.slice(dot)] : [image.filename, ""];
  for (let n = 2; ; n++) {
    const name = `${stem} (${n})${ext}`;
    const [clash] = await takenNames(tx, image.datasetId, split, [name]);
    if (!clash) {
      await updateImageFields(tx, image.id, { filename: name });
      return name;
    }
  }
}

/** The images named by id, all of one dataset the caller may edit (bulk operations act on one dataset). */
async function editableImages(deps: Deps, actor: Actor, ids: string[], ref?: DatasetRef) {
  if (ref) {
    const view = await getDataset(deps, actor, ref);
    await assertWritable(deps, actor, view.dataset, "Dataset");
    return { view, ids: (await findImagesInDataset(deps.db, view.dataset.id, lower(ids))).map((row) => row.id) };
  }
  const found = await findImages(deps.db, lower(ids));
  const datasetIds = new Set(found.map((row) => row.datasetId));
  if (datasetIds.size > 1) throw new ApiError("VALIDATION_ERROR", "Invalid body: imageIds: must all be of one dataset");
  if (!found.length) throw new ApiError("NOT_FOUND", "Images not found");
  const view = await getDataset(deps, actor, { id: found[0]!.datasetId }).catch(() => {
    throw new ApiError("NOT_FOUND", "Images not found");
  });
  await assertWritable(deps, actor, view.dataset, "Dataset");
  return { view, ids: found.map((row) => row.image.id) };
}

export async function bulkMoveImages(
  deps: Deps,
  actor: Actor,
  input: { imageIds: string[]; split: Split; conflictPolicy?: ConflictPolicy },
  ref?: DatasetRef,
) {
  const { view, ids } = await editableImages(deps, actor, input.imageIds, ref);
  const { moved, skipped } = await moveToSplit(deps, view, ids, input.split, input.conflictPolicy ?? "skip");
  return { modifiedCount: moved.length, skippedCount: skipped + (input.imageIds.length - ids.length) };
}

export async function bulkDeleteImages(deps: Deps, actor: Actor, imageIds: string[], ref?: DatasetRef) {
  const { view, ids } = await editableImages(deps, actor, imageIds, ref);
  return deleteImagesOf(deps, view, ids);
}

export async function deleteImage(deps: Deps, actor: Actor, found: { view: DatasetView; image: ImageRow }) {
  await assertWritable(deps, actor, found.view.dataset, "Dataset");
  return deleteImagesOf(deps, found.view, [found.image.id]);
}

async function deleteImagesOf(deps: Deps, view: DatasetView, ids: string[]): Promise<string[]> {
  const now = deps.now();
  const { deleted, keys } = await deps.db.transaction(async (tx) => {
    const rows = await deleteImageRows(tx, view.dataset.id, ids);
    await recountDataset(tx, view.dataset.id, now);
    const released = await releaseImageBytes(
      tx,
      view.dataset.id,
      rows.map((row) => row.hash),
    );
    return { deleted: rows.map((row) => row.id), keys: released };
  });
  if (keys.length) deps.waitUntil(deps.bucket.delete(keys));
  return deleted;
}

/** Signed URLs of the images named by id (at most 100); those the caller may not read are left out. */
export async function imageUrlsByIds(deps: Deps, actor: Actor, imageIds: string[]) {
  const found = await findImages(deps.db, lower(imageIds));
  const datasetIds = [...new Set(found.map((row) => row.datasetId))];
  const readable = await Promise.all(
    datasetIds.map((id) =>
      getDataset(deps, actor, { id }).then(
        () => id,
        () => undefined,
      ),
    ),
  );
  const visible = found.filter((row) => readable.includes(row.datasetId)).map((row) => row.image);
  // None readable: as unknown as an image the caller may not see; some: the others are left out.
  if (!visible.length) throw new ApiError("NOT_FOUND", "Images not found");
  return signAll(deps, visible);
}

/** The docs' form: signed URLs of a dataset's images by hash. */
export async function imageUrlsByHashes(deps: Deps, actor: Actor, ref: DatasetRef, hashes: string[]) {
  const view = await getDataset(deps, actor, ref);
  return signAll(deps, await findImagesByHash(deps.db, view.dataset.id, hashes));
}

function signAll(deps: Deps, rows: ImageRow[]) {
  return Promise.all(rows.map(async (image) => ({ image, ...(await imageUrls(deps, image, true, true)) })));
}

/** Signed image and thumbnail URLs of one image, as asked. */
export async function imageUrls(deps: Deps, image: ImageRow, thumbnail: boolean, full: boolean) {
  const expiresAt = new Date(deps.now().getTime() + IMAGE_URL_SECONDS * 1000);
  const sign = (key: string, name: string) =>
    signedDownloadUrl(deps.env.SIGNING_SECRET, deps.baseUrl, key, name, expiresAt);
  const stem = image.filename.replace(/\.[^.]*$/, "");
  return {
    thumbnailUrl: thumbnail && image.width > 0 ? await sign(thumbnailKey(image.hash), `${stem}.webp`) : undefined,
    imageUrl: full ? await sign(imageKey(image.hash), image.filename) : undefined,
  };
}

function lower(ids: string[]): string[] {
  return ids.map((id) => id.toLowerCase());
}
