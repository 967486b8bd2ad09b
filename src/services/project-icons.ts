import type { Actor } from "../auth/actor";
import { assertWritable } from "../auth/policy";
import type { Deps } from "../context";
import type { Queryable } from "../db/client";
import { lockIconKey, updateProjectFields, type ProjectRef } from "../db/projects";
import { addObject, removeObjectByKey } from "../db/storage";
import { ApiError } from "../errors";
import { iconKey } from "../storage/keys";
import { getProject } from "./projects";

export const ICON_MAX_BYTES = 2 * 1024 * 1024;
export const ICON_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];

export async function setProjectIcon(deps: Deps, actor: Actor, ref: ProjectRef, file: File): Promise<void> {
  const { view } = await getProject(deps, actor, ref);
  await assertWritable(deps, actor, view.project, "Project");
  if (!ICON_TYPES.includes(file.type))
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Icon must be one of ${ICON_TYPES.join(", ")}`);
  if (file.size === 0 || file.size > ICON_MAX_BYTES)
    throw new ApiError("PAYLOAD_TOO_LARGE", `Icon must be 1 byte to ${ICON_MAX_BYTES} bytes`);

  const key = iconKey(view.project.workspaceId, view.project.id);
  await deps.bucket.put(key, file.stream(), { httpMetadata: { contentType: file.type } });
  try {
    await replaceIcon(deps, view.project.id, key, async (tx) =>
      addObject(tx, {
        key,
        workspaceId: view.project.workspaceId,
        category: "icons",
        resourceId: view.project.id,
        name: `${view.project.slug} icon`,
        sizeBytes: file.size,
        contentType: file.type,
      }),
    );
  } catch (error) {
    await deps.bucket.delete(key);
    throw error;
  }
}

export async function removeProjectIcon(deps: Deps, actor: Actor, ref: ProjectRef): Promise<void> {
  const { view } = await getProject(deps, actor, ref);
  await assertWritable(deps, actor, view.project, "Project");
  await replaceIcon(deps, view.project.id, null, async () => {});
}

/** Points the project at its new icon (or none) and drops the old object from the books and R2. */
async function replaceIcon(
  deps: Deps,
  projectId: string,
  key: string | null,
  record: (tx: Queryable) => Promise<void>,
): Promise<void> {
  const oldKeys = await deps.db.transaction(async (tx) => {
    const oldKey = await lockIconKey(tx, projectId);
    await record(tx);
    await updateProjectFields(tx, projectId, { iconKey: key, updatedAt: deps.now() });
    return oldKey ? removeObjectByKey(tx, oldKey) : [];
  });
  if (oldKeys.length) await deps.bucket.delete(oldKeys);
}

/** The icon's bytes, for anyone who may read the project. */
export async function readProjectIcon(deps: Deps, actor: Actor, ref: ProjectRef): Promise<R2ObjectBody> {
  const { view } = await getProject(deps, actor, ref);
  const object = view.project.iconKey ? await deps.bucket.get(view.project.iconKey) : null;
  if (!object) throw new ApiError("NOT_FOUND", "Project has no icon");
  return object;
}

/** Copies an icon for a cloned project; `record` books it inside the clone's transaction. */
export async function copyIcon(deps: Deps, sourceKey: string, workspaceId: string, projectId: string) {
  const source = await deps.bucket.get(sourceKey);
  if (!source) return null;
  const key = iconKey(workspaceId, projectId);
  const contentType = source.httpMetadata?.contentType;
  await deps.bucket.put(key, source.body, { httpMetadata: { contentType } });
  return {
    key,
    record: (tx: Queryable) =>
      addObject(tx, {
        key,
        workspaceId,
        category: "icons",
        resourceId: projectId,
        name: "icon",
        sizeBytes: source.size,
        contentType: contentType ?? null,
      }),
  };
}
