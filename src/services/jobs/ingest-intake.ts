/**
 * The API side of an ingest job (src/protocol/ingest.ts): which pictures the runner must send,
 * the signed PUT that stores one (its SHA-256 checked as it streams), and the commit of a batch
 * of images with their labels, under the dataset's conflict policy.
 */
import type { Deps } from "../../context";
import { toHex } from "../../crypto";
import { findDataset } from "../../db/datasets";
import {
  blobsOf,
  conflictingImages,
  deleteImageRows,
  insertBlob,
  insertImages,
  missingBlobs,
  recountDataset,
  type NewImage,
} from "../../db/images";
import { updateDatasetFields } from "../../db/datasets";
import type { JobRow } from "../../db/jobs";
import { ApiError } from "../../errors";
import { newImageId } from "../../ids";
import type { BlobsResponse, CommitResponse, IngestBlob, IngestImage } from "../../protocol/ingest";
import { imageKey, thumbnailKey } from "../../storage/keys";
import { storeObject } from "../../storage/multipart";
import { signTransfer, type TransferClaims } from "../../storage/signed-url";
import { holdImageBytes, releaseImageBytes } from "../image-bytes";
import { classIdsOf, labelProblem } from "../labels";
import { heldJob } from "./outputs";

const BLOB_URL_TTL_MS = 60 * 60 * 1000;

type ConflictPolicy = "skip" | "keep_both" | "replace";

async function heldIngest(deps: Deps, jobId: string, leaseId: string): Promise<JobRow> {
  const job = await heldJob(deps, jobId, leaseId);
  if (job.kind !== "ingest") throw new ApiError("CONFLICT", "Only ingest jobs store dataset images");
  return job;
}

/** Signed PUT URLs for the pictures (and thumbnails) EdgeHub does not hold yet. */
export async function signBlobs(
  deps: Deps,
  jobId: string,
  request: { leaseId: string; blobs: IngestBlob[] },
): Promise<BlobsResponse> {
  const job = await heldIngest(deps, jobId, request.leaseId);
  const missing = new Set(await missingBlobs(deps.db, [...new Set(request.blobs.map((blob) => blob.hash))]));
  const expiresAt = new Date(deps.now().getTime() + BLOB_URL_TTL_MS);
  const base = `${deps.baseUrl}/internal/jobs/${job.id}/blobs`;
  const sign = async (claims: TransferClaims) =>
    `${base}?token=${await signTransfer(deps.env.SIGNING_SECRET, claims, expiresAt)}`;
  const uploads: BlobsResponse["uploads"] = [];
  for (const blob of request.blobs) {
    if (!missing.delete(blob.hash)) continue;
    const common = {
      op: "blob",
      job: job.id,
      attempt: job.attempt,
      ext: blob.ext,
      w: blob.width,
      h: blob.height,
    } as const;
    uploads.push({
      hash: blob.hash,
      imageUrl: await sign({
        ...common,
        key: imageKey(blob.hash),
        size: blob.bytes,
        ct: mime(blob.ext),
        hash: blob.hash,
      }),
      ...(blob.thumbnailBytes
        ? {
            thumbnailUrl: await sign({
              ...common,
              key: thumbnailKey(blob.hash),
              size: blob.thumbnailBytes,
              ct: "image/webp",
            }),
          }
        : {}),
    });
  }
  return { uploads };
}

function mime(ext: string): string {
  return { jpg: "image/jpeg", tif: "image/tiff" }[ext] ?? `image/${ext}`;
}

/**
 * Stores one signed picture or thumbnail. A picture's bytes must hash to the name it was signed
 * for, else nothing is kept; once stored it is recorded, so later batches need not send it.
 */
export async function storeBlob(
  deps: Deps,
  jobId: string,
  claims: Extract<TransferClaims, { op: "blob" }>,
  body: ReadableStream,
): Promise<void> {
  if (claims.job !== jobId) throw new ApiError("FORBIDDEN", "This signed URL belongs to another job");
  if (!claims.hash) {
    await storeObject(deps.bucket, claims.key, body, claims.size, claims.ct);
    return;
  }
  const [toStore, toHash] = body.tee();
  const digest = new crypto.DigestStream("SHA-256");
  await Promise.all([storeObject(deps.bucket, claims.key, toStore, claims.size, claims.ct), toHash.pipeTo(digest)]);
  const actual = toHex(new Uint8Array(await digest.digest));
  if (actual !== claims.hash) {
    await deps.bucket.delete(claims.key);
    throw new ApiError("VALIDATION_ERROR", `The bytes hash to ${actual}, not ${claims.hash} as signed`);
  }
  await insertBlob(deps.db, { hash: actual, ext: claims.ext, bytes: claims.size, width: claims.w, height: claims.h });
}

/** Adds a batch of pictures to the job's dataset under its conflict policy; answers what happened. */
export async function commitImages(
  deps: Deps,
  jobId: string,
  request: { leaseId: string; images: IngestImage[]; classNames?: string[]; kptShape?: [number, number] },
): Promise<CommitResponse> {
  const job = await heldIngest(deps, jobId, request.leaseId);
  const spec = job.spec as { datasetId: string; conflictPolicy: ConflictPolicy };
  const view = await findDataset(deps.db, { id: spec.datasetId });
  if (!view) throw new ApiError("NOT_FOUND", "The job's dataset is gone");
  const classNames = grownClasses(view.dataset.classNames, request.classNames);
  const kptShape = view.dataset.kptShape ?? request.kptShape ?? null;
  const rules = { task: view.dataset.task, classCount: classNames.length, kptShape };
  for (const image of request.images) {
    const problem = labelProblem(image.labels, rules);
    if (problem) throw new ApiError("VALIDATION_ERROR", `Invalid labels for ${image.originalPath}: ${problem}`);
  }
  const blobs = new Map(
    (
      await blobsOf(
        deps.db,
        request.images.map((image) => image.hash),
      )
    ).map((b) => [b.hash, b]),
  );
  const unsent = request.images.find((image) => !blobs.has(image.hash));
  if (unsent) throw new ApiError("VALIDATION_ERROR", `${unsent.originalPath}: its bytes were not uploaded`);

  const now = deps.now();
  const { outcome, keys } = await deps.db.transaction(async (tx) => {
    if (classNames !== view.dataset.classNames || kptShape !== view.dataset.kptShape)
      await updateDatasetFields(tx, view.dataset.id, { classNames, kptShape, updatedAt: now });
    const existing = await conflictingImages(tx, view.dataset.id, request.images);
    const plan = planCommit(request.images, existing, spec.conflictPolicy ?? "skip");
    const removed = await deleteImageRows(tx, view.dataset.id, plan.replace);
    const rows: NewImage[] = plan.add.map(({ image, filename }) => {
      const blob = blobs.get(image.hash)!;
      return {
        id: newImageId(),
        datasetId: view.dataset.id,
        workspaceId: view.dataset.workspaceId,
        hash: image.hash,
        filename,
        originalPath: image.originalPath,
        split: image.split,
        ext: blob.ext,
        width: blob.width,
        height: blob.height,
        bytes: blob.bytes,
        labels: image.labels,
        labelCount: image.labels.length,
        classIds: classIdsOf(image.labels),
        error: image.error,
        createdAt: now,
        updatedAt: now,
      };
    });
    await insertImages(tx, rows);
    await holdImageBytes(tx, view.dataset, rows);
    await recountDataset(tx, view.dataset.id, now);
    const released = await releaseImageBytes(
      tx,
      view.dataset.id,
      removed.map((row) => row.hash),
    );
    return {
      outcome: { added: rows.length, skipped: plan.skipped, replaced: removed.length },
      keys: released,
    };
  });
  if (keys.length) deps.waitUntil(deps.bucket.delete(keys));
  return outcome;
}

/** The archive may add classes after the dataset's; it may never rename or reorder them. */
function grownClasses(current: string[], proposed: string[] | undefined): string[] {
  if (!proposed || proposed.length === current.length) return current;
  if (proposed.length < current.length || current.some((name, i) => proposed[i] !== name))
    throw new ApiError("VALIDATION_ERROR", "classNames: may only append to the dataset's classes");
  return proposed;
}

/**
 * What a batch does to the dataset. A picture conflicts with an image of the same bytes, or of the
 * same name in its split: `skip` keeps the dataset's, `replace` takes the new one in its place,
 * `keep_both` adds it (renamed `name (n).ext` when the name is taken). Two pictures of one batch
 * conflict the same way.
 */
function planCommit(
  incoming: IngestImage[],
  existing: { id: string; hash: string; split: string; filename: string }[],
  policy: ConflictPolicy,
) {
  const byName = new Map(existing.map((row) => [`${row.split}/${row.filename}`, row.id]));
  const byHash = new Map(existing.map((row) => [row.hash, row.id]));
  const taken = new Set(byName.keys());
  const add: { image: IngestImage; filename: string }[] = [];
  const replace = new Set<string>();
  let skipped = 0;
  for (const image of incoming) {
    const nameKey = `${image.split}/${image.filename}`;
    const clash = byName.get(nameKey) ?? byHash.get(image.hash);
    const batchClash = add.some((a) => a.image.hash === image.hash || `${a.image.split}/${a.filename}` === nameKey);
    if ((clash === undefined && !batchClash) || (policy === "replace" && clash !== undefined && !batchClash)) {
      if (clash !== undefined) replace.add(clash);
      add.push({ image, filename: image.filename });
      taken.add(nameKey);
    } else if (policy === "keep_both") {
      const filename = freeName(image.filename, image.split, taken);
      add.push({ image, filename });
      taken.add(`${image.split}/${filename}`);
    } else skipped++;
  }
  return { add, replace: [...replace], skipped };
}

function freeName(filename: string, split: string, taken: Set<string>): string {
  if (!taken.has(`${split}/${filename}`)) return filename;
  const dot = filename.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [filename.slice(0, dot), filename.slice(dot)] : [filename, ""];
  let n = 2;
  while (taken.has(`${split}/${stem} (${n})${ext}`)) n++;
  return `${stem} (${n})${ext}`;
}
