import type { SignedInActor } from "../auth/actor";
import type { Deps } from "../context";
import type { Queryable } from "../db/client";
import { addModelFile, insertModel, modelExists, type ModelFileRow } from "../db/models";
import { findProject } from "../db/projects";
import { reassignObject } from "../db/storage";
import type { UploadRow } from "../db/uploads";
import { ApiError } from "../errors";
import { isId, newId } from "../ids";
import { assertWritable } from "../auth/policy";
import { enqueueJob } from "./jobs/dispatch";
import { freeModelSlug, getWritableModel } from "./models";
import { getProject } from "./projects";
import { slugify } from "./resource-edits";

/**
 * A models upload names its target as assetId: a model (the file joins its files, as a new
 * revision when the name exists) or a project (a new model, named after the file, is made for it).
 * Checked when the URL is signed, so a bad target fails before any byte moves, and again at
 * completion (a member removed meanwhile cannot finish). Answers the workspace the file joins.
 */
export async function checkModelUploadTarget(deps: Deps, actor: SignedInActor, assetId: string): Promise<string> {
  if (isId("model", assetId)) {
    return (await getWritableModel(deps, actor, { id: assetId })).model.workspaceId;
  }
  if (isId("project", assetId)) {
    const { view } = await getProject(deps, actor, { id: assetId });
    await assertWritable(deps, actor, view.project, "Project");
    return view.project.workspaceId;
  }
  throw new ApiError(
    "VALIDATION_ERROR",
    "Invalid body: assetId: a models upload targets a model (mdl_...) or a project (prj_...)",
  );
}

/** Inside the completing transaction: the uploaded object becomes a model file (making the model if needed). */
export async function attachModelUpload(tx: Queryable, deps: Deps, upload: UploadRow): Promise<ModelFileRow> {
  let modelId = upload.assetId;
  // Purged between the signed URL and completion: refuse (the upload stays pending, then is collected).
  if (isId("model", upload.assetId) && !(await modelExists(tx, upload.assetId)))
    throw new ApiError("NOT_FOUND", "The upload's model no longer exists");
  if (isId("project", upload.assetId)) {
    const stem = upload.filename.replace(/\.[^.]+$/, "");
    const slug = await freeModelSlug(tx, upload.assetId, slugify(stem) || "model");
    const now = deps.now();
    const project = await findProject(tx, { id: upload.assetId });
    if (!project) throw new ApiError("NOT_FOUND", "The upload's project is gone");
    const model = await insertModel(tx, {
      id: newId("model"),
      workspaceId: project.project.workspaceId,
      projectId: upload.assetId,
      slug,
      name: stem.slice(0, 100) || slug,
      visibility: project.project.visibility,
      status: "pending",
      createdAt: now,
      updatedAt: now,
    });
    modelId = model.id;
    await reassignObject(tx, upload.objectKey, modelId);
  }
  return addModelFile(tx, {
    id: newId("modelFile"),
    modelId,
    name: upload.filename,
    objectKey: upload.objectKey,
    sizeBytes: upload.totalBytes,
    contentType: upload.contentType,
    sha256: upload.checksum,
  });
}

/** After commit: a checkpoint is read by an inspect job (task, classes, size, metrics). */
export async function afterModelUpload(deps: Deps, file: ModelFileRow, workspaceId: string): Promise<void> {
  if (!file.name.toLowerCase().endsWith(".pt")) return;
  try {
    await enqueueJob(deps, {
      kind: "inspect",
      workspaceId,
      modelId: file.modelId,
      queue: "cpu-jobs",
      spec: {
        fileId: file.id,
        revision: file.revision,
        weights: { objectKey: file.objectKey, name: file.name, sizeBytes: file.sizeBytes },
      },
    });
  } catch (error) {
    // The file is stored either way; a failed inspect job shows on the job, not on the upload.
    if (!(error instanceof ApiError)) throw error;
  }
}
