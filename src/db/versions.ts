import { and, asc, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { datasetImages, datasets, datasetVersionImages, datasetVersions } from "./schema";

export type VersionRow = typeof datasetVersions.$inferSelect;
export type NewVersion = typeof datasetVersions.$inferInsert;

/** The rows an NDJSON is rendered from: a dataset's images now, or a version's copies. */
export interface ExportImage {
  id: string;
  hash: string;
  ext: string;
  filename: string;
  split: "train" | "val" | "test";
  width: number;
  height: number;
  labels: (typeof datasetImages.$inferSelect)["labels"];
}

export async function nextVersionNumber(tx: Queryable, datasetId: string): Promise<number> {
  const [row] = await tx
    .select({ latest: sql<number>`coalesce(max(${datasetVersions.version}), 0)`.mapWith(Number) })
    .from(datasetVersions)
    .where(eq(datasetVersions.datasetId, datasetId));
  return (row?.latest ?? 0) + 1;
}

/** The dataset's annotations in all: what a version records beside its image count. */
export async function annotationCount(tx: Queryable, datasetId: string): Promise<number> {
  const [row] = await tx
    .select({ count: sql<number>`coalesce(sum(${datasetImages.labelCount}), 0)`.mapWith(Number) })
    .from(datasetImages)
    .where(eq(datasetImages.datasetId, datasetId));
  return row?.count ?? 0;
}

export async function insertVersion(tx: Queryable, values: NewVersion): Promise<VersionRow> {
  const [row] = await tx.insert(datasetVersions).values(values).returning();
  return row!;
}

/** Copies every image row of the dataset into the version, in one statement. */
export async function snapshotImages(tx: Queryable, versionId: string, datasetId: string): Promise<void> {
  const i = datasetImages;
  await tx.execute(sql`
    insert into ${datasetVersionImages} (version_id, image_id, hash, filename, original_path, split, ext, width,
      height, bytes, labels, label_count, class_ids, error, metadata)
    select ${versionId}, ${i.id}, ${i.hash}, ${i.filename}, ${i.originalPath}, ${i.split}, ${i.ext}, ${i.width},
      ${i.height}, ${i.bytes}, ${i.labels}, ${i.labelCount}, ${i.classIds}, ${i.error}, ${i.metadata}
    from ${i} where ${i.datasetId} = ${datasetId}`);
}

/** A version by number, or the newest when `version` is undefined. */
export async function findVersion(db: Queryable, datasetId: string, version?: number): Promise<VersionRow | undefined> {
  const [row] = await db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, datasetId), version ? eq(datasetVersions.version, version) : undefined))
    .orderBy(desc(datasetVersions.version))
    .limit(1);
  return row;
}

export async function setVersionSize(db: Queryable, id: string, sizeBytes: number): Promise<void> {
  await db.update(datasetVersions).set({ sizeBytes }).where(eq(datasetVersions.id, id));
}

/** A version whose NDJSON a runner built: the file it wrote is the version's from now on. */
export async function setVersionFile(db: Queryable, id: string, objectKey: string, sizeBytes: number): Promise<void> {
  await db.update(datasetVersions).set({ objectKey, sizeBytes }).where(eq(datasetVersions.id, id));
}

export async function findVersionById(db: Queryable, id: string): Promise<VersionRow | undefined> {
  const [row] = await db.select().from(datasetVersions).where(eq(datasetVersions.id, id));
  return row;
}

export async function setVersionDescription(db: Queryable, id: string, description: string): Promise<void> {
  await db.update(datasetVersions).set({ description }).where(eq(datasetVersions.id, id));
}

const exportColumns = (t: typeof datasetImages | typeof datasetVersionImages) => ({
  id: "imageId" in t ? t.imageId : t.id,
  hash: t.hash,
  ext: t.ext,
  filename: t.filename,
  split: t.split,
  width: t.width,
  height: t.height,
  labels: t.labels,
});

/** A page of a dataset's images (or a version's copies) in id order, after `afterId`. */
export async function exportPage(
  db: Queryable,
  source: { datasetId: string } | { versionId: string },
  afterId: string,
  limit: number,
): Promise<ExportImage[]> {
  if ("versionId" in source) {
    const v = datasetVersionImages;
    return db
      .select(exportColumns(v))
      .from(v)
      .where(and(eq(v.versionId, source.versionId), gt(v.imageId, afterId)))
      .orderBy(asc(v.imageId))
      .limit(limit);
  }
  const i = datasetImages;
  return db
    .select(exportColumns(i))
    .from(i)
    .where(and(eq(i.datasetId, source.datasetId), gt(i.id, afterId)))
    .orderBy(asc(i.id))
    .limit(limit);
}

/** Whether the dataset (its images now) or one of its versions holds a picture: what an image URL may serve. */
export async function setHoldsHash(db: Queryable, setId: string, hash: string): Promise<boolean> {
  const rows = setId.startsWith("dsv_")
    ? await db
        .select({ hash: datasetVersionImages.hash })
        .from(datasetVersionImages)
        .where(and(eq(datasetVersionImages.versionId, setId), eq(datasetVersionImages.hash, hash)))
        .limit(1)
    : await db
        .select({ hash: datasetImages.hash })
        .from(datasetImages)
        .innerJoin(datasets, eq(datasets.id, datasetImages.datasetId))
        .where(and(eq(datasetImages.datasetId, setId), eq(datasetImages.hash, hash), isNull(datasets.deletedAt)))
        .limit(1);
  return rows.length > 0;
}

/** Puts the version's image rows back as the dataset's (after the caller deleted the current ones). */
export async function restoreImages(tx: Queryable, versionId: string, datasetId: string, workspaceId: string) {
  const v = datasetVersionImages;
  await tx.execute(sql`
    insert into ${datasetImages} (id, dataset_id, workspace_id, hash, filename, original_path, split, ext, width,
      height, bytes, labels, label_count, class_ids, error, metadata)
    select ${v.imageId}, ${datasetId}, ${workspaceId}, ${v.hash}, ${v.filename}, ${v.originalPath}, ${v.split},
      ${v.ext}, ${v.width}, ${v.height}, ${v.bytes}, ${v.labels}, ${v.labelCount}, ${v.classIds}, ${v.error},
      ${v.metadata}
    from ${v} where ${v.versionId} = ${versionId}`);
}

/** Whether one of the dataset's versions holds this picture (it stays stored while one does). */
export async function retainedByVersion(db: Queryable, datasetId: string, hash: string): Promise<boolean> {
  const rows = await db
    .select({ hash: datasetVersionImages.hash })
    .from(datasetVersionImages)
    .innerJoin(datasetVersions, eq(datasetVersions.id, datasetVersionImages.versionId))
    .where(and(eq(datasetVersions.datasetId, datasetId), eq(datasetVersionImages.hash, hash)))
    .limit(1);
  return rows.length > 0;
}
