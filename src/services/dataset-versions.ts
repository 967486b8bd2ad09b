/**
 * Dataset versions: numbered snapshots that never change (their image rows are copied), each with
 * its NDJSON in R2; the live export of the dataset as it is now, rebuilt only when it changed; and
 * restoring a version as the dataset's contents.
 */
import { isSignedIn, type Actor } from "../auth/actor";
import { assertWritable } from "../auth/policy";
import type { Deps } from "../context";
import { updateDatasetFields, type DatasetRef, type DatasetView } from "../db/datasets";
import { deleteAllImages, recountDataset } from "../db/images";
import { addObject } from "../db/storage";
import {
  annotationCount,
  findVersion,
  findVersionById,
  insertVersion,
  nextVersionNumber,
  restoreImages,
  setVersionDescription,
  setVersionSize,
  snapshotImages,
  type VersionRow,
} from "../db/versions";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { liveExportKey, versionKey } from "../storage/keys";
import { signTransfer } from "../storage/signed-url";
import { getDataset } from "./datasets";
import { releaseImageBytes } from "./image-bytes";
import { storeNdjson } from "./ndjson";
import { orConflict } from "./resource-edits";
import { buildOnRunner, buildingNow, POINTS_TO, stillBuilding } from "./jobs/ndjson-build";
import type { NdjsonSpec } from "../protocol/ndjson";
import { settingsOf } from "../settings";

/** An NDJSON download link lasts an hour; the image URLs inside it, a week (a long training run's download). */
const NDJSON_URL_SECONDS = 3600;
export const SET_URL_SECONDS = 7 * 24 * 3600;

async function editable(deps: Deps, actor: Actor, ref: DatasetRef): Promise<DatasetView> {
  const view = await getDataset(deps, actor, ref);
  await assertWritable(deps, actor, view.dataset, "Dataset");
  return view;
}

/**
 * Makes version n+1 of the dataset: counts, classes and a copy of every image row, then its
 * NDJSON (written by a runner for a large dataset), with its download link. A dataset unchanged
 * since its newest version answers that version (`reused`).
 */
export async function createVersion(deps: Deps, actor: Actor, ref: DatasetRef, description = "") {
  const view = await editable(deps, actor, ref);
  const { dataset } = view;
  if (dataset.status === "processing")
    throw new ApiError("CONFLICT", "The dataset is processing an ingest; make the version when it is done");
  const latest = await findVersion(deps.db, dataset.id);
  const linkOf = (version: VersionRow) =>
    ndjsonUrl(deps, version.objectKey, version.id, `${dataset.slug}-v${version.version}`);
  if (latest && latest.createdAt >= dataset.updatedAt)
    return { version: latest, reused: true, downloadUrl: await linkOf(latest) };
  const now = deps.now();
  const version = await orConflict(
    () =>
      deps.db.transaction(async (tx) => {
        const number = await nextVersionNumber(tx, dataset.id);
        const row = await insertVersion(tx, {
          id: newId("datasetVersion"),
          datasetId: dataset.id,
          version: number,
          description,
          task: dataset.task,
          classNames: dataset.classNames,
          kptShape: dataset.kptShape,
          imageCount: dataset.imageCount,
          annotationCount: await annotationCount(tx, dataset.id),
          splits: dataset.splits,
          objectKey: versionKey(dataset.id, number),
          sizeBytes: 0,
          createdBy: isSignedIn(actor) ? actor.userId : null,
          createdAt: now,
        });
        await snapshotImages(tx, row.id, dataset.id);
        return row;
      }),
    () => "Another version of this dataset is being made; try again",
  );
  const name = `${dataset.slug}-v${version.version}.ndjson`;
  if (dataset.imageCount >= settingsOf(deps.env).NDJSON_RUNNER_FROM) {
    // Its file is written by a runner; the download link answers 409 until then.
    await buildOnRunner(deps, dataset.workspaceId, versionBuild(version, name));
    return { version, reused: false, downloadUrl: await linkOf(version) };
  }
  const size = await storeNdjson(deps, version.objectKey, version, { versionId: version.id });
  await deps.db.transaction(async (tx) => {
    await addObject(tx, {
      key: version.objectKey,
      workspaceId: dataset.workspaceId,
      category: "datasets",
      resourceId: dataset.id,
      name,
      sizeBytes: size,
      contentType: "application/x-ndjson",
    });
    await setVersionSize(tx, version.id, size);
  });
  return { version: { ...version, sizeBytes: size }, reused: false, downloadUrl: await linkOf(version) };
}

/** A signed NDJSON link of a version (by number), or of the dataset as it is now (`cached`: unchanged since built). */
export async function exportLink(
  deps: Deps,
  actor: Actor,
  ref: DatasetRef,
  versionNumber?: number,
): Promise<{ downloadUrl: string; version: number } | { downloadUrl: string; cached: boolean }> {
  const view = await getDataset(deps, actor, ref);
  const { dataset } = view;
  if (versionNumber !== undefined) {
    const version = await findVersion(deps.db, dataset.id, versionNumber);
    if (!version) throw new ApiError("NOT_FOUND", `Dataset version ${versionNumber} not found`);
    // A size of 0 is a file not yet written (an NDJSON holds at least its dataset record).
    if (version.sizeBytes === 0)
      throw await buildOnRunner(
        deps,
        dataset.workspaceId,
        versionBuild(version, `${dataset.slug}-v${version.version}.ndjson`),
      );
    const downloadUrl = await ndjsonUrl(deps, version.objectKey, version.id, `${dataset.slug}-v${version.version}`);
    return { downloadUrl, version: version.version };
  }
  if (dataset.status === "processing")
    throw new ApiError("CONFLICT", "The dataset is processing an ingest; its export follows when it is done");
  const key = liveExportKey(dataset.id);
  const stamp = dataset.updatedAt.toISOString();
  const head = await deps.bucket.head(key);
  const cached = head?.customMetadata?.datasetUpdatedAt === stamp;
  if (!cached && dataset.imageCount >= settingsOf(deps.env).NDJSON_RUNNER_FROM) {
    const { task, classNames, kptShape, imageCount: images } = dataset;
    const shape = { task, classNames, kptShape };
    const name = `${dataset.slug}.ndjson`;
    const spec = { datasetId: dataset.id, key, source: { datasetId: dataset.id }, shape, name, stamp, images };
    throw await buildOnRunner(deps, dataset.workspaceId, spec);
  }
  if (!cached) await storeNdjson(deps, key, dataset, { datasetId: dataset.id }, { datasetUpdatedAt: stamp });
  return { cached, downloadUrl: await ndjsonUrl(deps, key, dataset.id, dataset.slug) };
}

function versionBuild(version: VersionRow, name: string): NdjsonSpec {
  const { task, classNames, kptShape } = version;
  return {
    datasetId: version.datasetId,
    key: version.objectKey,
    source: { versionId: version.id },
    shape: { task, classNames, kptShape },
    name,
    images: version.imageCount,
  };
}

/**
 * The stored NDJSON a signed link names: the file at its key; a version's file wherever its
 * runner wrote it; the file a live export's pointer names. 409 while a runner is writing it.
 */
export async function openNdjson(deps: Deps, key: string, set: string): Promise<R2ObjectBody> {
  let object = await deps.bucket.get(key);
  if (!object && set.startsWith("dsv_")) {
    const version = await findVersionById(deps.db, set);
    if (version && version.objectKey !== key) object = await deps.bucket.get(version.objectKey);
  }
  const target = object?.customMetadata?.[POINTS_TO];
  if (target) object = await deps.bucket.get(target);
  if (object) return object;
  const building = await buildingNow(deps.db, key);
  throw building ? stillBuilding(building) : new ApiError("NOT_FOUND", "File not found");
}

async function ndjsonUrl(deps: Deps, key: string, set: string, stem: string): Promise<string> {
  const name = `${stem}.ndjson`;
  const expiresAt = new Date(deps.now().getTime() + NDJSON_URL_SECONDS * 1000);
  const token = await signTransfer(deps.env.SIGNING_SECRET, { op: "ndjson", key, set, name }, expiresAt);
  // The token in the path: the URL ends in .ndjson, as the ultralytics trainer expects of a dataset.
  return `${deps.baseUrl}/api/dataset-exports/${token}/${encodeURIComponent(name)}`;
}

export async function describeVersion(
  deps: Deps,
  actor: Actor,
  ref: DatasetRef,
  change: { version: number; description: string },
): Promise<void> {
  const view = await editable(deps, actor, ref);
  const version = await findVersion(deps.db, view.dataset.id, change.version);
  if (!version) throw new ApiError("NOT_FOUND", `Dataset version ${change.version} not found`);
  await setVersionDescription(deps.db, version.id, change.description);
}

/**
 * Makes the dataset's contents those of a version: its images (ids included), labels, splits and
 * classes. The current images go; the pictures only they held are released. The version stays.
 */
export async function restoreVersion(deps: Deps, actor: Actor, ref: DatasetRef, versionNumber: number) {
  const view = await editable(deps, actor, ref);
  const { dataset } = view;
  if (dataset.status === "processing")
    throw new ApiError("CONFLICT", "The dataset is processing an ingest; restore when it is done");
  const version = await findVersion(deps.db, dataset.id, versionNumber);
  if (!version) throw new ApiError("NOT_FOUND", `Dataset version ${versionNumber} not found`);
  const now = deps.now();
  const keys = await deps.db.transaction(async (tx) => {
    const removed = await deleteAllImages(tx, dataset.id);
    await restoreImages(tx, version.id, dataset.id, dataset.workspaceId);
    await updateDatasetFields(tx, dataset.id, {
      classNames: version.classNames,
      kptShape: version.kptShape,
      updatedAt: now,
    });
    await recountDataset(tx, dataset.id, now);
    return releaseImageBytes(
      tx,
      dataset.id,
      removed.map((row) => row.hash),
    );
  });
  if (keys.length) deps.waitUntil(deps.bucket.delete(keys));
  return { version: version.version, imageCount: version.imageCount };
}
