import type { Queryable } from "../db/client";
import { forgetBlobs, forgetUnreferencedBlobs, hashesGoneFrom } from "../db/images";
import { holdObject, releaseObject } from "../db/storage";
import { imageKey, thumbnailKey } from "../storage/keys";

/**
 * A dataset's hold on stored pictures. Bytes are stored once by hash and booked once per dataset
 * that holds them (storage_objects); when the last dataset lets go, the picture, its thumbnail
 * and its blob row go.
 */
export async function holdImageBytes(
  tx: Queryable,
  dataset: { id: string; workspaceId: string },
  images: { hash: string; bytes: number; filename: string; ext: string }[],
): Promise<void> {
  for (const image of images) {
    await holdObject(tx, {
      key: imageKey(image.hash),
      workspaceId: dataset.workspaceId,
      category: "datasets",
      resourceId: dataset.id,
      name: image.filename,
      sizeBytes: image.bytes,
      contentType: `image/${image.ext === "jpg" ? "jpeg" : image.ext}`,
    });
  }
}

/** Lets go of the hashes the dataset no longer holds; answers the R2 keys to delete after commit. */
export async function releaseImageBytes(tx: Queryable, datasetId: string, hashes: string[]): Promise<string[]> {
  const gone = await hashesGoneFrom(tx, datasetId, hashes);
  const unheld: string[] = [];
  for (const hash of gone) if ((await releaseObject(tx, imageKey(hash), datasetId)).length) unheld.push(hash);
  return blobKeys(await forgetBlobs(tx, unheld));
}

/** After a purge took a dataset's holds off the books: the blobs nobody holds, as R2 keys. */
export async function forgetUnheldImages(tx: Queryable, unheldKeys: string[]): Promise<string[]> {
  const hashes = unheldKeys.filter((key) => key.startsWith("images/")).map((key) => key.slice("images/".length));
  return blobKeys(await forgetBlobs(tx, hashes)).filter((key) => !unheldKeys.includes(key));
}

function blobKeys(hashes: string[]): string[] {
  return hashes.flatMap((hash) => [imageKey(hash), thumbnailKey(hash)]);
}

/** How long sent-but-uncommitted bytes may wait for their commit (an ingest's whole run). */
const UNCOMMITTED_BLOB_HOURS = 24;

/** Housekeeping: pictures an ingest sent but never committed (its runner died between PUT and commit). */
export async function collectUncommittedImages(db: Queryable, bucket: R2Bucket, now: Date): Promise<number> {
  const before = new Date(now.getTime() - UNCOMMITTED_BLOB_HOURS * 3600 * 1000);
  const hashes = await forgetUnreferencedBlobs(db, before, 1000);
  const keys = blobKeys(hashes);
  if (keys.length) await bucket.delete(keys);
  return hashes.length;
}
