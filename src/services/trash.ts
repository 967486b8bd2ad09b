import type { Actor } from "../auth/actor";
import { targetWorkspace } from "../auth/policy";
import type { Deps } from "../context";
import type { Database, Queryable } from "../db/client";
import { deleteTrashedDataset, restoreTrashedDataset } from "../db/datasets";
import { isUniqueViolation } from "../db/errors";
import { deleteTrashedModel, modelIdsOfProject, restoreTrashedModel } from "../db/models";
import { deleteTrashedProject, restoreTrashedProject } from "../db/projects";
import type { TrashType } from "../db/schema";
import { removeObjectsOf } from "../db/storage";
import { deleteTrashRow, findTrashItem, listTrash, trashOf, trashOlderThan, type TrashItem } from "../db/trash";
import { ApiError } from "../errors";
import { datasetPrefix } from "../storage/keys";
import { forgetUnheldImages } from "./image-bytes";

/** Trashed items are purged after this many days. */
export const TRASH_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What restoring and purging mean for each resource type; later resources add their rows. */
interface TrashHandler {
  restore(tx: Queryable, item: TrashItem): Promise<{ restoredModels: number }>;
  /** Deletes the rows for good; returns the R2 keys (and whole prefixes) to delete after commit. */
  purge(tx: Queryable, item: TrashItem): Promise<{ keys: string[]; prefixes?: string[]; cascadedModels: number }>;
}

const HANDLERS: Record<TrashType, TrashHandler> = {
  project: {
    async restore(tx, item) {
      if (!(await restoreTrashedProject(tx, item.resourceId)))
        throw new ApiError("NOT_FOUND", "Project not found in trash");
      // Its models come back with it (those trashed on their own stay in the trash).
      return { restoredModels: item.cascadedCount };
    },
    async purge(tx, item) {
      // The project's models (and their files, exports and jobs) go with it.
      const modelIds = await modelIdsOfProject(tx, item.resourceId);
      const keys = await removeObjectsOf(tx, [item.resourceId, ...modelIds]);
      await deleteTrashedProject(tx, item.resourceId);
      return { keys, cascadedModels: modelIds.length };
    },
  },
  dataset: {
    async restore(tx, item) {
      if (!(await restoreTrashedDataset(tx, item.resourceId)))
        throw new ApiError("NOT_FOUND", "Dataset not found in trash");
      return { restoredModels: 0 };
    },
    async purge(tx, item) {
      // Models trained on it keep their datasetId: it records what they were trained on.
      const keys = await removeObjectsOf(tx, [item.resourceId]);
      await deleteTrashedDataset(tx, item.resourceId);
      // Its images went with it; the pictures no other dataset holds go too, thumbnails included.
      // What is stored under its name (versions, exports, runner-built files, caches) goes by prefix.
      return {
        keys: [...keys, ...(await forgetUnheldImages(tx, keys))],
        prefixes: [datasetPrefix(item.resourceId)],
        cascadedModels: 0,
      };
    },
  },
  model: {
    async restore(tx, item) {
      if (!(await restoreTrashedModel(tx, item.resourceId)))
        throw new ApiError("NOT_FOUND", "Model not found in trash");
      return { restoredModels: 1 };
    },
    async purge(tx, item) {
      const keys = await removeObjectsOf(tx, [item.resourceId]);
      await deleteTrashedModel(tx, item.resourceId);
      return { keys, cascadedModels: 0 };
    },
  },
};

export async function listWorkspaceTrash(
  deps: Deps,
  actor: Actor,
  params: { owner?: string; type: TrashType | "all"; page: number; limit: number },
) {
  const workspace = await targetWorkspace(deps, actor, params.owner);
  const now = deps.now().getTime();
  const { items, summary } = await listTrash(deps.db, {
    workspaceId: workspace.id,
    type: params.type === "all" ? undefined : params.type,
    limit: params.limit,
    offset: (params.page - 1) * params.limit,
  });
  const count = (type: TrashType) => summary.find((row) => row.type === type) ?? { count: 0, bytes: 0 };
  const total = params.type === "all" ? summary.reduce((sum, row) => sum + row.count, 0) : count(params.type).count;
  return {
    workspace,
    total,
    items: items.map((item) => ({
      item,
      daysRemaining: Math.max(0, TRASH_RETENTION_DAYS - Math.floor((now - item.trashedAt.getTime()) / DAY_MS)),
    })),
    summary: {
      totalItems: summary.reduce((sum, row) => sum + row.count, 0),
      totalSizeBytes: summary.reduce((sum, row) => sum + row.bytes, 0),
      byType: { project: count("project"), dataset: count("dataset"), model: count("model") },
    },
  };
}

export async function restoreFromTrash(
  deps: Deps,
  actor: Actor,
  input: { id: string; type: TrashType; owner?: string },
) {
  const workspace = await targetWorkspace(deps, actor, input.owner);
  const item = await findTrashItem(deps.db, workspace.id, input.type, input.id);
  if (!item) throw new ApiError("NOT_FOUND", `No ${input.type} ${input.id} in trash`);
  try {
    return await deps.db.transaction(async (tx) => {
      if (!(await deleteTrashRow(tx, item))) throw new ApiError("NOT_FOUND", `No ${input.type} ${input.id} in trash`);
      return HANDLERS[item.resourceType].restore(tx, item);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ApiError("CONFLICT", `A live ${input.type} named ${item.slug} already exists; rename it first`);
    throw error;
  }
}

/** Permanently deletes one item, or all of a workspace's trash. */
export async function deleteFromTrash(
  deps: Deps,
  actor: Actor,
  input: { id: string; type: TrashType; owner?: string } | { all: true; owner?: string },
) {
  const workspace = await targetWorkspace(deps, actor, input.owner);
  let items: TrashItem[];
  if ("all" in input) {
    items = await trashOf(deps.db, workspace.id);
  } else {
    const item = await findTrashItem(deps.db, workspace.id, input.type, input.id);
    if (!item) throw new ApiError("NOT_FOUND", `No ${input.type} ${input.id} in trash`);
    items = [item];
  }
  let cascadedModels = 0;
  let deletedCount = 0;
  for (const item of items) {
    const result = await purgeItem(deps.db, deps.bucket, item);
    if (result) {
      deletedCount += 1;
      cascadedModels += result.cascadedModels;
    }
  }
  return { deletedCount, cascadedModels };
}

/** One item: rows gone in one transaction, then its R2 objects. Null when someone else purged it first. */
async function purgeItem(db: Database, bucket: R2Bucket, item: TrashItem) {
  const result = await db.transaction(async (tx) => {
    if (!(await deleteTrashRow(tx, item))) return null;
    return HANDLERS[item.resourceType].purge(tx, item);
  });
  if (result?.keys.length) await bucket.delete(result.keys);
  for (const prefix of result?.prefixes ?? []) await deletePrefix(bucket, prefix);
  return result;
}

async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  for (;;) {
    const page = await bucket.list({ prefix, limit: 1000 });
    if (page.objects.length) await bucket.delete(page.objects.map((object) => object.key));
    if (!page.truncated) return;
  }
}

/** The cron's part: items trashed more than 30 days ago go for good, with their R2 objects. */
export async function purgeExpiredTrash(db: Database, bucket: R2Bucket, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - TRASH_RETENTION_DAYS * DAY_MS);
  let purged = 0;
  for (;;) {
    const batch = await trashOlderThan(db, cutoff, 100);
    for (const item of batch) if (await purgeItem(db, bucket, item)) purged += 1;
    if (batch.length < 100) return purged;
  }
}
