/**
 * hub-sdk's `dataset.upload_dataset(file)`: the archive arrives as one multipart part named after
 * the file, and becomes what /api makes of an upload and an ingest: an upload session holding the
 * bytes (booked to the workspace), then an ingest job on the runner fleet.
 */
import { isSignedIn, type Actor } from "../../auth/actor";
import { assertWritable } from "../../auth/policy";
import type { Deps } from "../../context";
import { ApiError } from "../../errors";
import { planParts, storeObject } from "../../storage/multipart";
import { getDataset } from "../datasets";
import { ARCHIVE_NAME, startIngest } from "../ingest";
import { completeUpload, createUploadSession, openSessionFor, storePart } from "../uploads";

/** The Worker holds the whole form in memory: larger archives go through /api's signed upload. */
export const HUB_DATASET_MAX_BYTES = 100 * 1024 * 1024;

export async function uploadHubDataset(deps: Deps, actor: Actor, datasetId: string, file: File) {
  if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
  if (!ARCHIVE_NAME.test(file.name))
    throw new ApiError("VALIDATION_ERROR", "Invalid form: the file must be a .zip, .tar, .tar.gz, .tgz or .ndjson");
  if (file.size === 0) throw new ApiError("VALIDATION_ERROR", "Invalid form: the file is empty");
  if (file.size > HUB_DATASET_MAX_BYTES)
    throw new ApiError("PAYLOAD_TOO_LARGE", `A HUB dataset upload is at most ${HUB_DATASET_MAX_BYTES} bytes`);
  const view = await getDataset(deps, actor, { id: datasetId });
  await assertWritable(deps, actor, view.dataset, "Dataset");
  // Refused before any byte is stored (startIngest checks again, atomically).
  if (view.dataset.status === "processing")
    throw new ApiError("CONFLICT", "The dataset is already processing an ingest; wait for it to finish");
  const session = await createUploadSession(deps, actor, {
    assetType: "datasets",
    assetId: datasetId,
    filename: file.name,
    contentType: "application/octet-stream",
    totalBytes: file.size,
  });
  const upload = await openSessionFor(deps, session.sessionId);
  if (upload.partSize) {
    for (const part of planParts(file.size, upload.partSize)) {
      const start = (part.partNumber - 1) * upload.partSize;
      await storePart(deps, upload, part.partNumber, file.slice(start, start + part.size).stream(), part.size);
    }
  } else {
    await storeObject(deps.bucket, upload.objectKey, file.stream(), file.size, "application/octet-stream");
  }
  await completeUpload(deps, actor, session.sessionId);
  return startIngest(deps, actor, { id: datasetId }, { sessionId: session.sessionId });
}
