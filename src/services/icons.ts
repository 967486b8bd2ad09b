import type { Actor } from "../auth/actor";
import { assertWritable } from "../auth/policy";
import type { Deps } from "../context";
import type { Queryable } from "../db/client";
import type { DatasetRef } from "../db/datasets";
import { lockIconKey, setIconKey, type IconKind } from "../db/icons";
import type { ProjectRef } from "../db/projects";
import { addObject, removeObjectByKey } from "../db/storage";
import { ApiError } from "../errors";
import { iconKey } from "../storage/keys";
import { getDataset } from "./datasets";
import { getProject } from "./projects";

export const ICON_MAX_BYTES = 2 * 1024 * 1024;
export const ICON_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];

/** The thing an icon belongs to, and whose workspace its bytes count in. */
export interface IconHolder {
  kind: IconKind;
  id: string;
  workspaceId: string;
  slug: string;
}

/** Stores an uploaded picture (PNG, JPEG, WebP or GIF, up to 2 MiB) as the holder's icon, replacing the old one. */
async function setIcon(deps: Deps, holder: IconHolder, file: File): Promise<void> {
  if (!ICON_TYPES.includes(file.type))
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Icon must be one of ${ICON_TYPES.join(", ")}`);
  if (file.size === 0 || file.size > ICON_MAX_BYTES)
    throw new ApiError("PAYLOAD_TOO_LARGE", `Icon must be 1 byte to ${ICON_MAX_BYTES} bytes`);
  const key = iconKey(holder.workspaceId, holder.id);
  await deps.bucket.put(key, file.stream(), { httpMetadata: { contentType: file.type } });
  try {
    await replaceIcon(deps, holder, key, async (tx) =>
      addObject(tx, {
        key,
        workspaceId: holder.workspaceId,
        category: "icons",
        resourceId: holder.id,
        name: `${holder.slug} icon`,
        sizeBytes: file.size,
        contentType: file.type,
      }),
    );
  } catch (error) {
    await deps.bucket.delete(key);
    throw error;
  }
}

/** Points the holder at its new icon (or none) and drops the old object from the books and R2. */
async function replaceIcon(
  deps: Deps,
  holder: IconHolder,
  key: string | null,
  record: (tx: Queryable) => Promise<void>,
): Promise<void> {
  const oldKeys = await deps.db.transaction(async (tx) => {
    const oldKey = await lockIconKey(tx, holder.kind, holder.id);
    await record(tx);
    await setIconKey(tx, holder.kind, holder.id, key, deps.now());
    return oldKey && oldKey !== key ? removeObjectByKey(tx, oldKey) : [];
  });
  if (oldKeys.length) await deps.bucket.delete(oldKeys);
}

async function readIcon(deps: Deps, key: string | null, what: string): Promise<R2ObjectBody> {
  const object = key ? await deps.bucket.get(key) : null;
  if (!object) throw new ApiError("NOT_FOUND", `${what} has no icon`);
  return object;
}

export async function setProjectIcon(deps: Deps, actor: Actor, ref: ProjectRef, file: File): Promise<void> {
  const { view } = await getProject(deps, actor, ref);
  await assertWritable(deps, actor, view.project, "Project");
  await setIcon(deps, { kind: "project", ...view.project }, file);
}

export async function removeProjectIcon(deps: Deps, actor: Actor, ref: ProjectRef): Promise<void> {
  const { view } = await getProject(deps, actor, ref);
  await assertWritable(deps, actor, view.project, "Project");
  await replaceIcon(deps, { kind: "project", ...view.project }, null, async () => {});
}

/** The icon's bytes, for anyone who may read the project. */
export async function readProjectIcon(deps: Deps, actor: Actor, ref: ProjectRef): Promise<R2ObjectBody> {
  const { view } = await getProject(deps, actor, ref);
  return readIcon(deps, view.project.iconKey, "Project");
}

export async function setDatasetIcon(deps: Deps, actor: Actor, ref: DatasetRef, file: File): Promise<void> {
  const { dataset } = await getDataset(deps, actor, ref);
  await assertWritable(deps, actor, dataset, "Dataset");
  await setIcon(deps, { kind: "dataset", ...dataset }, file);
}

export async function removeDatasetIcon(deps: Deps, actor: Actor, ref: DatasetRef): Promise<void> {
  const { dataset } = await getDataset(deps, actor, ref);
  await assertWritable(deps, actor, dataset, "Dataset");
  await replaceIcon(deps, { kind: "dataset", ...dataset }, null, async () => {});
}

/** The icon's bytes, for anyone who may read the dataset. */
export async function readDatasetIcon(deps: Deps, actor: Actor, ref: DatasetRef): Promise<R2ObjectBody> {
  const { dataset } = await getDataset(deps, actor, ref);
  return readIcon(deps, dataset.iconKey, "Dataset");
}

/** Copies an icon for a clone; `record` books it inside the clone's transaction. */
export async function copyIcon(deps: Deps, sourceKey: string, workspaceId: string, holderId: string) {
  const source = await deps.bucket.get(sourceKey);
  if (!source) return null;
  const key = iconKey(workspaceId, holderId);
  const contentType = source.httpMetadata?.contentType;
  await deps.bucket.put(key, source.body, { httpMetadata: { contentType } });
  return {
    key,
    record: (tx: Queryable) =>
      addObject(tx, {
        key,
        workspaceId,
        category: "icons",
        resourceId: holderId,
        name: "icon",
        sizeBytes: source.size,
        contentType: contentType ?? null,
      }),
  };
}
