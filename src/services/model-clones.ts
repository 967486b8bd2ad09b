import type { Actor } from "../auth/actor";
import { assertWritable, targetWorkspace } from "../auth/policy";
import type { Deps } from "../context";
import { isUniqueViolation } from "../db/errors";
import { addModelFile, bumpModelCloneCount, currentFiles, insertModel, type ModelRef } from "../db/models";
import { findProject } from "../db/projects";
import { addObject } from "../db/storage";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { modelFileKey } from "../storage/keys";
import { freeModelSlug, getModel } from "./models";
import { slugify } from "./resource-edits";

export interface ModelCloneRequest {
  /** Destination project name, in `owner` (default: the caller's workspace). */
  project: string;
  owner?: string;
  slug?: string;
  name?: string;
  description?: string;
}

/**
 * Copies a model the actor can read (a public one, or their own) into a project they can edit:
 * its metadata and its current files, byte for byte, booked to the destination workspace.
 */
export async function cloneModel(deps: Deps, actor: Actor, ref: ModelRef, request: ModelCloneRequest) {
  const { view: source } = await getModel(deps, actor, ref);
  const workspace = await targetWorkspace(deps, actor, request.owner);
  const target = await findProject(deps.db, { owner: workspace.username, slug: request.project });
  if (!target) throw new ApiError("NOT_FOUND", `Project ${workspace.username}/${request.project} not found`);
  await assertWritable(deps, actor, target.project, "Project");

  const id = newId("model");
  const name = request.name ?? source.model.name;
  const slug = request.slug ?? (await freeModelSlug(deps.db, target.project.id, slugify(name) || source.model.slug));
  const copies: { key: string; name: string; size: number; contentType: string; sha256: string | null }[] = [];
  try {
    for (const file of await currentFiles(deps.db, source.model.id)) {
      const object = await deps.bucket.get(file.objectKey);
      if (!object) continue;
      const key = modelFileKey(workspace.id, id, file.name);
      await deps.bucket.put(key, object.body, { httpMetadata: { contentType: file.contentType } });
      copies.push({ key, name: file.name, size: file.sizeBytes, contentType: file.contentType, sha256: file.sha256 });
    }
    const now = deps.now();
    const {
      id: _id,
      workspaceId: _w,
      projectId: _p,
      slug: _s,
      starCount: _sc,
      cloneCount: _cc,
      downloadCount: _dc,
      deletedAt: _d,
      ...fields
    } = source.model;
    const model = await deps.db.transaction(async (tx) => {
      const row = await insertModel(tx, {
        ...fields,
        id,
        workspaceId: workspace.id,
        projectId: target.project.id,
        slug,
        name,
        description: request.description ?? source.model.description,
        visibility: "private",
        sourceModelId: source.model.id,
        createdAt: now,
        updatedAt: now,
      });
      for (const copy of copies) {
        await addModelFile(tx, {
          id: newId("modelFile"),
          modelId: id,
          name: copy.name,
          objectKey: copy.key,
          sizeBytes: copy.size,
          contentType: copy.contentType,
          sha256: copy.sha256,
        });
        await addObject(tx, {
          key: copy.key,
          workspaceId: workspace.id,
          category: "models",
          resourceId: id,
          name: copy.name,
          sizeBytes: copy.size,
          contentType: copy.contentType,
        });
      }
      await bumpModelCloneCount(tx, source.model.id);
      return row;
    });
    return { model, owner: workspace.username, project: target.project.slug, region: workspace.region };
  } catch (error) {
    if (copies.length) deps.waitUntil(deps.bucket.delete(copies.map((copy) => copy.key)));
    if (isUniqueViolation(error))
      throw new ApiError("CONFLICT", `Model ${slug} already exists in ${workspace.username}/${request.project}`);
    throw error;
  }
}
