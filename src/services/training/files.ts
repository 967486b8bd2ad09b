/**
 * The files around a training run, as the ultralytics package moves them: checkpoints it PUTs to
 * a signed URL (each a new revision of the model's `best.pt`/`last.pt`, inspected as uploads
 * are), and the `ul://` names it resolves by a redirect: a dataset to its NDJSON, a model to its
 * weights.
 */
import type { Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import { addModelFile } from "../../db/models";
import { addObject, usageOf } from "../../db/storage";
import { findVersion } from "../../db/versions";
import { findWorkspace } from "../../db/identity";
import { ApiError } from "../../errors";
import { newId } from "../../ids";
import { PLANS } from "../../plans";
import { modelFileKey } from "../../storage/keys";
import { storeObject } from "../../storage/multipart";
import { signTransfer, signedDownloadUrl, verifyTransfer } from "../../storage/signed-url";
import { getDataset } from "../datasets";
import { createVersion, exportLink } from "../dataset-versions";
import { afterModelUpload } from "../model-files";
import { getModel, getWritableModel } from "../models";
import { assertWritable } from "../../auth/policy";
import { modelRefOf } from "./runs";

const CHECKPOINT_URL_MS = 60 * 60 * 1000;
const DOWNLOAD_URL_MS = 60 * 60 * 1000;
/** The largest checkpoint one PUT may carry (R2's single-PUT limit). */
export const CHECKPOINT_MAX_BYTES = 5 * 1024 ** 3;

/** A signed PUT URL for one checkpoint of a model the caller may write. */
export async function checkpointUrl(
  deps: Deps,
  actor: Actor,
  request: { filename: string; modelId?: string; project?: string; name?: string },
) {
  const { model } = await getWritableModel(deps, actor, modelRefOf(request));
  const expiresAt = new Date(deps.now().getTime() + CHECKPOINT_URL_MS);
  const claims = { op: "checkpoint", model: model.id, ws: model.workspaceId, name: request.filename } as const;
  const token = await signTransfer(deps.env.SIGNING_SECRET, claims, expiresAt);
  const path = `${model.workspaceId}/${model.id}/${request.filename}`;
  return {
    uploadUrl: `${deps.baseUrl}/api/webhooks/models/checkpoints/${encodeURIComponent(request.filename)}?token=${token}`,
    gcsPath: path,
    uploadPath: path,
    expiresAt: expiresAt.toISOString(),
  };
}

/** The PUT: the bytes become the model's next revision of that file; a best.pt is then inspected. */
export async function storeCheckpoint(
  deps: Deps,
  token: string | undefined,
  filename: string,
  body: ReadableStream | null,
  size: number,
) {
  const claims = await verifyTransfer(deps.env.SIGNING_SECRET, token, "checkpoint");
  if (claims.name !== filename) throw new ApiError("FORBIDDEN", "This signed URL is for another file");
  if (!body || !Number.isInteger(size) || size <= 0)
    throw new ApiError("VALIDATION_ERROR", "Send the checkpoint's bytes with their Content-Length");
  if (size > CHECKPOINT_MAX_BYTES)
    throw new ApiError("PAYLOAD_TOO_LARGE", `A checkpoint is at most ${CHECKPOINT_MAX_BYTES} bytes`);
  await keepCheckpoint(deps, { workspaceId: claims.ws, modelId: claims.model, filename, body, size });
  return { size };
}

/**
 * A checkpoint's bytes become the model's next revision of that file (quota checked, booked in
 * storage); a best.pt is then inspected as an upload is. Shared with HUB sessions' uploads.
 */
export async function keepCheckpoint(
  deps: Deps,
  file: { workspaceId: string; modelId: string; filename: string; body: ReadableStream; size: number },
): Promise<void> {
  const { workspaceId, modelId, filename, body, size } = file;
  await assertRoom(deps, workspaceId, size);
  const key = modelFileKey(workspaceId, modelId, filename);
  await storeObject(deps.bucket, key, body, size, "application/octet-stream");
  const stored = await deps.db
    .transaction(async (tx) => {
      await addObject(tx, {
        key,
        workspaceId,
        category: "models",
        resourceId: modelId,
        name: filename,
        sizeBytes: size,
        contentType: "application/octet-stream",
      });
      return addModelFile(tx, {
        id: newId("modelFile"),
        modelId,
        name: filename,
        objectKey: key,
        sizeBytes: size,
        contentType: "application/octet-stream",
      });
    })
    .catch(async (error: unknown) => {
      // A model purged since the URL was signed: nothing of the PUT is kept.
      await deps.bucket.delete(key);
      throw error instanceof ApiError ? error : new ApiError("NOT_FOUND", "The checkpoint's model no longer exists");
    });
  if (filename === "best.pt") await afterModelUpload(deps, stored, workspaceId);
}

async function assertRoom(deps: Deps, workspaceId: string, size: number): Promise<void> {
  const [workspace, usage] = await Promise.all([findWorkspace(deps.db, workspaceId), usageOf(deps.db, workspaceId)]);
  if (!workspace) throw new ApiError("NOT_FOUND", "The checkpoint's workspace no longer exists");
  const stored = usage.reduce((sum, row) => sum + row.bytes, 0);
  const limit = PLANS[workspace.plan].storageBytes;
  if (stored + size > limit)
    throw new ApiError(
      "FORBIDDEN",
      `Storage quota exceeded: ${stored} of ${limit} bytes used; this file needs ${size}`,
    );
}

/**
 * `ul://owner/datasets/slug` for training: its newest version's NDJSON. An editor gets a version
 * made when the dataset changed since (409 while a runner writes a large one); a reader gets the
 * newest version there is, or the dataset as it is now.
 */
export async function datasetExportLocation(deps: Deps, actor: Actor, owner: string, slug: string): Promise<string> {
  const ref = { owner, slug };
  const view = await getDataset(deps, actor, ref);
  const editor = await assertWritable(deps, actor, view.dataset, "Dataset").then(
    () => true,
    () => false,
  );
  if (editor) {
    const made = await createVersion(deps, actor, ref);
    await exportLink(deps, actor, ref, made.version.version); // 409 while its file is being written
    return made.downloadUrl;
  }
  const newest = await findVersion(deps.db, view.dataset.id);
  return (await exportLink(deps, actor, ref, newest?.version)).downloadUrl;
}

/** `ul://owner/project/model`: the model's current best weights, by a URL whose path ends in `.pt`. */
export async function modelWeightsLocation(deps: Deps, actor: Actor, owner: string, project: string, slug: string) {
  const { view } = await getModel(deps, actor, { owner, project, slug });
  if (!view.weights) throw new ApiError("NOT_FOUND", "The model has no weights yet");
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_URL_MS);
  const name = view.weights.name.endsWith(".pt") ? view.weights.name : "best.pt";
  return signedDownloadUrl(deps.env.SIGNING_SECRET, deps.baseUrl, view.weights.objectKey, name, expiresAt);
}
