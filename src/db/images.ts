import { and, asc, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Queryable } from "./client";
import {
  datasetClassCounts,
  datasetImages,
  datasets,
  datasetVersionImages,
  datasetVersions,
  imageBlobs,
  type Split,
} from "./schema";

export type ImageRow = typeof datasetImages.$inferSelect;
export type NewImage = typeof datasetImages.$inferInsert;
export type ImageBlob = typeof imageBlobs.$inferInsert;

export const IMAGE_SORTS = [
  "newest",
  "oldest",
  "name-asc",
  "name-desc",
  "height-asc",
  "height-desc",
  "width-asc",
  "width-desc",
  "size-asc",
  "size-desc",
  "labels-desc",
  "labels-asc",
] as const;
export type ImageSort = (typeof IMAGE_SORTS)[number];

/** Each sort's column and direction; ties are broken by id in the same direction, so pages are stable. */
const SORTS: Record<ImageSort, { column: AnyPgColumn; descending: boolean }> = {
  newest: { column: datasetImages.createdAt, descending: true },
  oldest: { column: datasetImages.createdAt, descending: false },
  "name-asc": { column: datasetImages.filename, descending: false },
  "name-desc": { column: datasetImages.filename, descending: true },
  "height-asc": { column: datasetImages.height, descending: false },
  "height-desc": { column: datasetImages.height, descending: true },
  "width-asc": { column: datasetImages.width, descending: false },
  "width-desc": { column: datasetImages.width, descending: true },
  "size-asc": { column: datasetImages.bytes, descending: false },
  "size-desc": { column: datasetImages.bytes, descending: true },
  "labels-desc": { column: datasetImages.labelCount, descending: true },
  "labels-asc": { column: datasetImages.labelCount, descending: false },
};

export interface ImageFilter {
  split?: Split;
  hasLabel?: boolean;
  hasError?: boolean;
  /** Images holding any of these classes; an empty list matches none. */
  classIds?: number[];
  /** A part of the file name, or the start of the hash. */
  search?: string;
}

function filterWhere(datasetId: string, filter: ImageFilter): SQL {
  const conditions: (SQL | undefined)[] = [eq(datasetImages.datasetId, datasetId)];
  if (filter.split) conditions.push(eq(datasetImages.split, filter.split));
  if (filter.hasLabel !== undefined)
    conditions.push(filter.hasLabel ? sql`${datasetImages.labelCount} > 0` : eq(datasetImages.labelCount, 0));
  if (filter.hasError !== undefined)
    conditions.push(filter.hasError ? isNotNull(datasetImages.error) : isNull(datasetImages.error));
  if (filter.classIds) conditions.push(sql`${datasetImages.classIds} && ${toIntArray(filter.classIds)}`);
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const hashPrefix = /^[0-9a-f]+$/i.test(filter.search) ? `${filter.search.toLowerCase()}%` : undefined;
    conditions.push(
      hashPrefix
        ? sql`(${datasetImages.filename} ilike ${pattern} or ${datasetImages.hash} like ${hashPrefix})`
        : sql`${datasetImages.filename} ilike ${pattern}`,
    );
  }
  return and(...conditions)!;
}

function toIntArray(values: number[]): SQL {
  return sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::integer[]`;
}

/** An offset page may carry the filter's exact total, which lets a deep page be read from the nearer end. */
export type ImagePage = { limit: number; offset: number; total?: number } | { limit: number; cursor: ImageRow };

/**
 * One page of a dataset's images by filter and sort. A cursor page starts after the cursor
 * image in the sort order (keyset: `(column, id)` past the cursor's), so it never skips or
 * repeats when images are added; an offset page is for jumping. One more row than asked says
 * whether there are more.
 */
export async function listImages(
  db: Queryable,
  datasetId: string,
  filter: ImageFilter,
  sort: ImageSort,
  page: ImagePage,
): Promise<{ rows: ImageRow[]; hasMore: boolean }> {
  if (filter.classIds?.length === 0) return { rows: [], hasMore: false };
  if ("offset" in page && page.total !== undefined && page.offset > page.total / 2)
    return listFromEnd(db, datasetId, filter, sort, { ...page, total: page.total });
  const { column, descending } = SORTS[sort];
  const direction = descending ? desc : asc;
  let where = filterWhere(datasetId, filter);
  if ("cursor" in page) {
    const value = page.cursor[sortField(sort)];
    const after = descending
      ? sql`(${column}, ${datasetImages.id}) < (${value}, ${page.cursor.id})`
      : sql`(${column}, ${datasetImages.id}) > (${value}, ${page.cursor.id})`;
    where = and(where, after)!;
  }
  const rows = await db
    .select()
    .from(datasetImages)
    .where(where)
    .orderBy(direction(column), direction(datasetImages.id))
    .limit(page.limit + 1)
    .offset("offset" in page ? page.offset : 0);
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/**
 * An offset page past the middle, read in the reverse order from the other end and turned round:
 * a page near the end skips a few rows instead of nearly all of them (an offset walks every row
 * it skips).
 */
async function listFromEnd(
  db: Queryable,
  datasetId: string,
  filter: ImageFilter,
  sort: ImageSort,
  page: { limit: number; offset: number; total: number },
): Promise<{ rows: ImageRow[]; hasMore: boolean }> {
  const fromEnd = page.total - page.offset;
  if (fromEnd <= 0) return { rows: [], hasMore: false };
  const take = Math.min(page.limit, fromEnd);
  const { column, descending } = SORTS[sort];
  const reverse = descending ? asc : desc;
  const rows = await db
    .select()
    .from(datasetImages)
    .where(filterWhere(datasetId, filter))
    .orderBy(reverse(column), reverse(datasetImages.id))
    .limit(take)
    .offset(fromEnd - take);
  return { rows: rows.reverse(), hasMore: page.offset + take < page.total };
}

function sortField(sort: ImageSort): "createdAt" | "filename" | "height" | "width" | "bytes" | "labelCount" {
  if (sort === "newest" || sort === "oldest") return "createdAt";
  if (sort.startsWith("name")) return "filename";
  if (sort.startsWith("height")) return "height";
  if (sort.startsWith("width")) return "width";
  if (sort.startsWith("size")) return "bytes";
  return "labelCount";
}

/**
 * How many images match the filter, and how many of the whole dataset have errors: two statements,
 * so the filter's own indexes serve the first and the partial errors index the second (one scan
 * with two FILTERed counts reads every row of the dataset, 3x slower at 100,000 images).
 */
export async function countImages(
  db: Queryable,
  datasetId: string,
  filter: ImageFilter,
): Promise<{ total: number; errorCount: number }> {
  const [total, errorCount] = await Promise.all([countMatching(db, datasetId, filter), countErrors(db, datasetId)]);
  return { total, errorCount };
}

async function countMatching(db: Queryable, datasetId: string, filter: ImageFilter): Promise<number> {
  if (filter.classIds?.length === 0) return 0;
  const [row] = await db
    .select({ count: sql<number>`count(*)`.mapWith(Number) })
    .from(datasetImages)
    .where(filterWhere(datasetId, filter));
  return row?.count ?? 0;
}

/** How many of the dataset's images hold the class (kept by triggers: one lookup). */
export async function imagesWithClass(db: Queryable, datasetId: string, classId: number): Promise<number> {
  const [row] = await db
    .select({ images: datasetClassCounts.images })
    .from(datasetClassCounts)
    .where(and(eq(datasetClassCounts.datasetId, datasetId), eq(datasetClassCounts.classId, classId)));
  return row?.images ?? 0;
}

/** How many of the dataset's images have errors (a partial index holds only those). */
export async function countErrors(db: Queryable, datasetId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)`.mapWith(Number) })
    .from(datasetImages)
    .where(and(eq(datasetImages.datasetId, datasetId), isNotNull(datasetImages.error)));
  return row?.count ?? 0;
}

/** Images by id, with the live dataset each belongs to (for the access check). */
export async function findImages(db: Queryable, ids: string[]) {
  if (!ids.length) return [];
  return db
    .select({ image: datasetImages, datasetId: datasets.id })
    .from(datasetImages)
    .innerJoin(datasets, eq(datasets.id, datasetImages.datasetId))
    .where(and(inArray(datasetImages.id, ids), isNull(datasets.deletedAt)));
}

export async function findImagesInDataset(db: Queryable, datasetId: string, ids: string[]): Promise<ImageRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(datasetImages)
    .where(and(eq(datasetImages.datasetId, datasetId), inArray(datasetImages.id, ids)));
}

/** The dataset's oldest image with these bytes: what the docs' `/images/{hash}` paths name. */
export async function findImageByHash(db: Queryable, datasetId: string, hash: string): Promise<ImageRow | undefined> {
  const [row] = await db
    .select()
    .from(datasetImages)
    .where(and(eq(datasetImages.datasetId, datasetId), eq(datasetImages.hash, hash)))
    .orderBy(asc(datasetImages.createdAt), asc(datasetImages.id))
    .limit(1);
  return row;
}

export async function findImagesByHash(db: Queryable, datasetId: string, hashes: string[]): Promise<ImageRow[]> {
  if (!hashes.length) return [];
  return db
    .select()
    .from(datasetImages)
    .where(and(eq(datasetImages.datasetId, datasetId), inArray(datasetImages.hash, hashes)));
}

export async function updateImageFields(
  tx: Queryable,
  id: string,
  changes: Partial<
    Pick<NewImage, "labels" | "labelCount" | "classIds" | "metadata" | "split" | "filename" | "updatedAt">
  >,
): Promise<ImageRow | undefined> {
  const [row] = await tx.update(datasetImages).set(changes).where(eq(datasetImages.id, id)).returning();
  return row;
}

export async function deleteImageRows(tx: Queryable, datasetId: string, ids: string[]) {
  if (!ids.length) return [];
  return tx
    .delete(datasetImages)
    .where(and(eq(datasetImages.datasetId, datasetId), inArray(datasetImages.id, ids)))
    .returning({ id: datasetImages.id, hash: datasetImages.hash });
}

/** Removes every image of a dataset (a restore puts a version's back); answers their hashes. */
export async function deleteAllImages(tx: Queryable, datasetId: string) {
  return tx.delete(datasetImages).where(eq(datasetImages.datasetId, datasetId)).returning({ hash: datasetImages.hash });
}

/** Moves images to a split; answers the ids moved. */
export async function moveImagesToSplit(tx: Queryable, datasetId: string, ids: string[], split: Split, now: Date) {
  if (!ids.length) return [];
  const rows = await tx
    .update(datasetImages)
    .set({ split, updatedAt: now })
    .where(and(eq(datasetImages.datasetId, datasetId), inArray(datasetImages.id, ids)))
    .returning({ id: datasetImages.id });
  return rows.map((row) => row.id);
}

/** Names already taken in a split, among these. */
export async function takenNames(tx: Queryable, datasetId: string, split: Split, names: string[]) {
  if (!names.length) return [];
  return tx
    .select({ id: datasetImages.id, filename: datasetImages.filename })
    .from(datasetImages)
    .where(
      and(
        eq(datasetImages.datasetId, datasetId),
        eq(datasetImages.split, split),
        inArray(datasetImages.filename, names),
      ),
    );
}

/** Recounts a dataset's images per split (and labelled ones) after images changed. */
export async function recountDataset(tx: Queryable, datasetId: string, now: Date): Promise<void> {
  const i = datasetImages;
  await tx
    .update(datasets)
    .set({
      imageCount: sql`(select count(*) from ${i} where ${i.datasetId} = ${datasetId})`,
      splits: sql`(
        select jsonb_build_object(
          'train', count(*) filter (where ${i.split} = 'train'),
          'val', count(*) filter (where ${i.split} = 'val'),
          'test', count(*) filter (where ${i.split} = 'test'),
          'labeled', count(*) filter (where ${i.labelCount} > 0))
        from ${i} where ${i.datasetId} = ${datasetId})`,
      updatedAt: now,
    })
    .where(eq(datasets.id, datasetId));
}

/** Of these hashes, those whose bytes EdgeHub does not hold yet. */
export async function missingBlobs(db: Queryable, hashes: string[]): Promise<string[]> {
  if (!hashes.length) return [];
  const held = await db.select({ hash: imageBlobs.hash }).from(imageBlobs).where(inArray(imageBlobs.hash, hashes));
  const found = new Set(held.map((row) => row.hash));
  return hashes.filter((hash) => !found.has(hash));
}

/** Records stored bytes (once: the same picture stored twice at once is one row). */
export async function insertBlob(db: Queryable, blob: ImageBlob): Promise<void> {
  await db.insert(imageBlobs).values(blob).onConflictDoNothing();
}

export async function blobsOf(db: Queryable, hashes: string[]) {
  if (!hashes.length) return [];
  return db.select().from(imageBlobs).where(inArray(imageBlobs.hash, hashes));
}

export async function insertImages(tx: Queryable, rows: NewImage[]): Promise<void> {
  if (rows.length) await tx.insert(datasetImages).values(rows);
}

/** The dataset's images that share a name (in a split) or bytes with incoming pictures. */
export async function conflictingImages(
  tx: Queryable,
  datasetId: string,
  incoming: { split: Split; filename: string; hash: string }[],
) {
  if (!incoming.length) return [];
  const names = incoming.map((image) => sql`(${image.split}, ${image.filename})`);
  return tx
    .select({
      id: datasetImages.id,
      hash: datasetImages.hash,
      split: datasetImages.split,
      filename: datasetImages.filename,
    })
    .from(datasetImages)
    .where(
      and(
        eq(datasetImages.datasetId, datasetId),
        sql`((${datasetImages.split}, ${datasetImages.filename}) in (${sql.join(names, sql`, `)})
          or ${inArray(datasetImages.hash, [...new Set(incoming.map((image) => image.hash))])})`,
      ),
    );
}

/** Of these hashes, those neither an image of the dataset nor one of its versions holds any more. */
export async function hashesGoneFrom(tx: Queryable, datasetId: string, hashes: string[]): Promise<string[]> {
  if (!hashes.length) return [];
  const v = datasetVersionImages;
  const [inImages, inVersions] = await Promise.all([
    tx
      .selectDistinct({ hash: datasetImages.hash })
      .from(datasetImages)
      .where(and(eq(datasetImages.datasetId, datasetId), inArray(datasetImages.hash, hashes))),
    tx
      .selectDistinct({ hash: v.hash })
      .from(v)
      .innerJoin(datasetVersions, eq(datasetVersions.id, v.versionId))
      .where(and(eq(datasetVersions.datasetId, datasetId), inArray(v.hash, hashes))),
  ]);
  const still = new Set([...inImages, ...inVersions].map((row) => row.hash));
  return [...new Set(hashes)].filter((hash) => !still.has(hash));
}

/** Forgets the blobs of these hashes that no dataset image references; answers those forgotten. */
export async function forgetBlobs(tx: Queryable, hashes: string[]): Promise<string[]> {
  if (!hashes.length) return [];
  const rows = await tx
    .delete(imageBlobs)
    .where(
      and(
        inArray(imageBlobs.hash, hashes),
        sql`not exists (select 1 from ${datasetImages} where ${datasetImages.hash} = ${imageBlobs.hash})`,
        sql`not exists (select 1 from ${datasetVersionImages} where ${datasetVersionImages.hash} = ${imageBlobs.hash})`,
      ),
    )
    .returning({ hash: imageBlobs.hash });
  return rows.map((row) => row.hash);
}

export type StatsImage = Pick<ImageRow, "width" | "height" | "bytes" | "ext" | "labels" | "labelCount">;

/** Up to `limit` of the dataset's images for the statistics (by id, which is random: a fair sample). */
export async function statsSample(db: Queryable, datasetId: string, limit: number): Promise<StatsImage[]> {
  const i = datasetImages;
  return db
    .select({
      width: i.width,
      height: i.height,
      bytes: i.bytes,
      ext: i.ext,
      labels: i.labels,
      labelCount: i.labelCount,
    })
    .from(i)
    .where(eq(i.datasetId, datasetId))
    .orderBy(asc(i.id))
    .limit(limit);
}

/** Per class, exactly: how many labels, and how many images hold one. */
export async function classCounts(db: Queryable, datasetId: string) {
  const i = datasetImages;
  const [labels, images] = await Promise.all([
    db.execute<{ class_id: number; count: string }>(sql`
      select (label->>'classId')::int as class_id, count(*) as count
      from ${i}, jsonb_array_elements(${i.labels}) as label
      where ${i.datasetId} = ${datasetId} group by 1`),
    db.execute<{ class_id: number; count: string }>(sql`
      select unnest(${i.classIds}) as class_id, count(*) as count
      from ${i} where ${i.datasetId} = ${datasetId} group by 1`),
  ]);
  const imageCounts = new Map(images.rows.map((row) => [Number(row.class_id), Number(row.count)]));
  return labels.rows
    .map((row) => ({
      classId: Number(row.class_id),
      count: Number(row.count),
      imageCount: imageCounts.get(Number(row.class_id)) ?? 0,
    }))
    .sort((a, b) => a.classId - b.classId);
}

/**
 * Forgets up to `limit` blobs made before `before` that no image or version references (bytes an
 * ingest sent but never committed); answers their hashes.
 */
export async function forgetUnreferencedBlobs(db: Queryable, before: Date, limit: number): Promise<string[]> {
  const result = await db.execute<{ hash: string }>(sql`
    delete from ${imageBlobs} where ${imageBlobs.hash} in (
      select b.hash from ${imageBlobs} b
      where b.created_at < ${before}
        and not exists (select 1 from ${datasetImages} i where i.hash = b.hash)
        and not exists (select 1 from ${datasetVersionImages} v where v.hash = b.hash)
      limit ${limit})
    returning ${imageBlobs.hash}`);
  return result.rows.map((row) => row.hash);
}
