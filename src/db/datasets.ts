import { and, desc, eq, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Database, Queryable } from "./client";
import { isStarredBy, type StarTables } from "./stars";
import { memberOf, type Viewer } from "./viewer";
import {
  datasets,
  datasetStars,
  models,
  projects,
  storageObjects,
  trashItems,
  workspaces,
  type Region,
} from "./schema";

export type DatasetRow = typeof datasets.$inferSelect;
export type NewDataset = typeof datasets.$inferInsert;

/** A dataset with what its presenter needs from around it. */
export interface DatasetView {
  dataset: DatasetRow;
  owner: string;
  region: Region;
  isStarred: boolean;
}

export type DatasetRef = { id: string } | { owner: string; slug: string };

function refMatches(ref: DatasetRef): SQL | undefined {
  return "id" in ref ? eq(datasets.id, ref.id) : and(eq(workspaces.username, ref.owner), eq(datasets.slug, ref.slug));
}

/** One query: the live dataset, its owner's handle and region, and whether the viewer starred it. */
export async function findDataset(
  db: Queryable,
  ref: DatasetRef,
  viewer: Viewer = {},
): Promise<DatasetView | undefined> {
  const [row] = await db
    .select({
      dataset: datasets,
      owner: workspaces.username,
      region: workspaces.region,
      isStarred: isStarredBy(datasetStarTables, viewer.userId),
    })
    .from(datasets)
    .innerJoin(workspaces, eq(workspaces.id, datasets.workspaceId))
    .where(and(refMatches(ref), isNull(datasets.deletedAt)))
    .limit(1);
  return row;
}

/**
 * One query: the owner's live datasets the viewer may see (all for members, public ones for
 * others), newest first, with the total; `slug` narrows them to one. `ownerFound` is false
 * for an unknown owner.
 */
export async function listDatasets(
  db: Queryable,
  params: { owner: string; viewer: Viewer; slug?: string; limit: number },
) {
  const { viewer } = params;
  const rows = await db
    .select({
      dataset: datasets,
      owner: workspaces.username,
      region: workspaces.region,
      isStarred: isStarredBy(datasetStarTables, viewer.userId),
      total: sql<number>`count(${datasets.id}) over ()`.mapWith(Number),
    })
    .from(workspaces)
    .leftJoin(
      datasets,
      and(
        eq(datasets.workspaceId, workspaces.id),
        isNull(datasets.deletedAt),
        or(eq(datasets.visibility, "public"), memberOf(workspaces.id, viewer)),
        params.slug ? eq(datasets.slug, params.slug) : undefined,
      ),
    )
    .where(eq(workspaces.username, params.owner))
    .orderBy(desc(datasets.createdAt), desc(datasets.id))
    .limit(params.limit);
  const live = rows.flatMap(({ dataset, owner, region, isStarred }) =>
    dataset ? [{ dataset, owner, region, isStarred }] : [],
  );
  return { ownerFound: rows.length > 0, region: rows[0]?.region ?? "us", rows: live, total: rows[0]?.total ?? 0 };
}

export async function countLiveDatasets(db: Queryable, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(datasets)
    .where(and(eq(datasets.workspaceId, workspaceId), isNull(datasets.deletedAt)));
  return row?.n ?? 0;
}

export async function insertDataset(db: Queryable, values: NewDataset): Promise<DatasetRow> {
  const [row] = await db.insert(datasets).values(values).returning();
  return row!;
}

/** Changes a live dataset; undefined when it is gone. */
export async function updateDatasetFields(
  db: Queryable,
  id: string,
  changes: Partial<NewDataset>,
): Promise<{ slug: string } | undefined> {
  const [row] = await db
    .update(datasets)
    .set(changes)
    .where(and(eq(datasets.id, id), isNull(datasets.deletedAt)))
    .returning({ slug: datasets.slug });
  return row;
}

/** What setStar needs to star a dataset. */
export const datasetStarTables: StarTables = {
  resources: datasets,
  id: datasets.id,
  starCount: datasets.starCount,
  stars: datasetStars,
  starredId: datasetStars.datasetId,
  starredBy: datasetStars.userId,
};

/** Soft delete plus its trash row, in one transaction; false when the dataset was already gone. */
export async function moveDatasetToTrash(db: Database, dataset: DatasetRow, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [trashed] = await tx
      .update(datasets)
      .set({ deletedAt: now })
      .where(and(eq(datasets.id, dataset.id), isNull(datasets.deletedAt)))
      .returning({ id: datasets.id });
    if (!trashed) return false;
    const [stored] = await tx
      .select({ bytes: sql<number>`coalesce(sum(${storageObjects.sizeBytes}), 0)`.mapWith(Number) })
      .from(storageObjects)
      .where(eq(storageObjects.resourceId, dataset.id));
    await tx.insert(trashItems).values({
      resourceType: "dataset",
      resourceId: dataset.id,
      workspaceId: dataset.workspaceId,
      name: dataset.name,
      slug: dataset.slug,
      sizeBytes: stored?.bytes ?? 0,
      trashedAt: now,
    });
    return true;
  });
}

/** Trash handlers: bring back, or delete for good, a trashed dataset. */
export async function restoreTrashedDataset(tx: Queryable, id: string): Promise<boolean> {
  const [row] = await tx
    .update(datasets)
    .set({ deletedAt: null })
    .where(and(eq(datasets.id, id), isNotNull(datasets.deletedAt)))
    .returning({ id: datasets.id });
  return Boolean(row);
}

export async function deleteTrashedDataset(tx: Queryable, id: string): Promise<void> {
  await tx.delete(datasets).where(and(eq(datasets.id, id), isNotNull(datasets.deletedAt)));
}

/** The id of a live dataset, by owner and slug, that the viewer may read; undefined otherwise. */
export async function readableDatasetId(
  db: Queryable,
  ref: { owner: string; slug: string },
  viewer: Viewer,
): Promise<string | undefined> {
  const [row] = await db
    .select({ id: datasets.id })
    .from(datasets)
    .innerJoin(workspaces, eq(workspaces.id, datasets.workspaceId))
    .where(
      and(
        refMatches(ref),
        isNull(datasets.deletedAt),
        or(eq(datasets.visibility, "public"), memberOf(datasets.workspaceId, viewer)),
      ),
    )
    .limit(1);
  return row?.id;
}

/** A model trained on a dataset, as the dataset's page lists it. */
export interface TrainedModelRow {
  model: Pick<
    typeof models.$inferSelect,
    | "id"
    | "slug"
    | "name"
    | "status"
    | "task"
    | "epochs"
    | "bestEpoch"
    | "bestFitness"
    | "metrics"
    | "startedAt"
    | "completedAt"
    | "createdAt"
  >;
  owner: string;
  project: Pick<typeof projects.$inferSelect, "id" | "slug" | "iconColor" | "iconLetter" | "iconKey">;
}

/**
 * The live models (in live projects) whose training data is this dataset and the viewer may
 * see: all of their own workspace's, and others' where both model and project are public.
 */
export async function modelsTrainedOn(
  db: Queryable,
  datasetId: string,
  viewer: Viewer,
  limit: number,
): Promise<TrainedModelRow[]> {
  const isPublic = and(eq(models.visibility, "public"), eq(projects.visibility, "public"));
  return db
    .select({
      model: {
        id: models.id,
        slug: models.slug,
        name: models.name,
        status: models.status,
        task: models.task,
        epochs: models.epochs,
        bestEpoch: models.bestEpoch,
        bestFitness: models.bestFitness,
        metrics: models.metrics,
        startedAt: models.startedAt,
        completedAt: models.completedAt,
        createdAt: models.createdAt,
      },
      owner: workspaces.username,
      project: {
        id: projects.id,
        slug: projects.slug,
        iconColor: projects.iconColor,
        iconLetter: projects.iconLetter,
        iconKey: projects.iconKey,
      },
    })
    .from(models)
    .innerJoin(projects, eq(projects.id, models.projectId))
    .innerJoin(workspaces, eq(workspaces.id, models.workspaceId))
    .where(
      and(
        eq(models.datasetId, datasetId),
        isNull(models.deletedAt),
        isNull(projects.deletedAt),
        or(isPublic, memberOf(models.workspaceId, viewer)),
      ),
    )
    .orderBy(desc(models.createdAt), desc(models.id))
    .limit(limit);
}

/** Marks a live dataset processing unless it already is; false when it is (one ingest at a time). */
export async function startProcessing(tx: Queryable, id: string, now: Date): Promise<boolean> {
  const rows = await tx
    .update(datasets)
    .set({ status: "processing", updatedAt: now })
    .where(and(eq(datasets.id, id), isNull(datasets.deletedAt), sql`${datasets.status} <> 'processing'`))
    .returning({ id: datasets.id });
  return rows.length > 0;
}

/** After an ingest: ready, or failed when it ended with the dataset still empty. */
export async function finishProcessing(tx: Queryable, id: string, succeeded: boolean): Promise<void> {
  await tx
    .update(datasets)
    .set({ status: succeeded ? "ready" : sql`case when ${datasets.imageCount} > 0 then 'ready' else 'failed' end` })
    .where(eq(datasets.id, id));
}
