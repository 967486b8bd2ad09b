/** Whole-dataset rewrites in SQL: class remapping, split reassignment, a clone's copies and holds. */
import { sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { datasetImages } from "./schema";

/** An int[] literal of our own numbers (never user text): one parameter however long. */
function intArray(values: (number | null)[]): string {
  return `{${values.map((value) => (value === null ? "NULL" : String(Math.trunc(value)))).join(",")}}`;
}

/**
 * Rewrites the labels of the dataset's images holding any of `affected` classes through `map`
 * (old class id -> new id, null drops the label), recomputing counts and class ids. Answers how
 * many labels were dropped.
 */
export async function remapLabels(
  tx: Queryable,
  datasetId: string,
  map: (number | null)[],
  affected: number[],
  now: Date,
): Promise<number> {
  const result = await tx.execute<{ dropped: string }>(sql`
    with changed as (
      select d.id,
        coalesce(
          jsonb_agg(jsonb_set(l.value, '{classId}', to_jsonb(m.map[(l.value->>'classId')::int + 1])) order by l.idx)
            filter (where m.map[(l.value->>'classId')::int + 1] is not null),
          '[]'::jsonb) as labels,
        count(l.value) filter (where m.map[(l.value->>'classId')::int + 1] is null) as dropped
      from ${datasetImages} d
      cross join (select ${intArray(map)}::int[] as map) m
      left join lateral jsonb_array_elements(d.labels) with ordinality as l(value, idx) on true
      where d.dataset_id = ${datasetId} and d.class_ids && ${intArray(affected)}::int[]
      group by d.id
    ), updated as (
      update ${datasetImages} di set
        labels = c.labels,
        label_count = jsonb_array_length(c.labels),
        class_ids = coalesce((
          select array_agg(distinct (x->>'classId')::int order by (x->>'classId')::int)
          from jsonb_array_elements(c.labels) x), '{}'),
        updated_at = ${now}
      from changed c where di.id = c.id
      returning c.dropped
    )
    select coalesce(sum(dropped), 0) as dropped from updated`);
  return Number(result.rows[0]?.dropped ?? 0);
}

/** Every image's id, name and split, for a redistribution planned in code. */
export async function splitPlanRows(tx: Queryable, datasetId: string) {
  const result = await tx.execute<{ id: string; filename: string; split: "train" | "val" | "test" }>(sql`
    select id, filename, split from ${datasetImages} where dataset_id = ${datasetId}`);
  return result.rows;
}

/** Sets the splits of many images in one statement per thousand. */
export async function assignSplits(
  tx: Queryable,
  datasetId: string,
  moves: { id: string; split: string }[],
  now: Date,
): Promise<void> {
  for (let at = 0; at < moves.length; at += 1000) {
    const chunk = moves.slice(at, at + 1000);
    const rows = sql.join(
      chunk.map((move) => sql`(${move.id}, ${move.split})`),
      sql`, `,
    );
    await tx.execute(sql`
      update ${datasetImages} di set split = v.split, updated_at = ${now}
      from (values ${rows}) as v(id, split)
      where di.id = v.id and di.dataset_id = ${datasetId}`);
  }
}

/** Copies a dataset's image rows into another dataset, each with a new id. */
export async function copyImages(tx: Queryable, fromId: string, toId: string, workspaceId: string, now: Date) {
  await tx.execute(sql`
    insert into ${datasetImages} (id, dataset_id, workspace_id, hash, filename, original_path, split, ext, width,
      height, bytes, labels, label_count, class_ids, error, metadata, created_at, updated_at)
    select substr(md5(random()::text || id || clock_timestamp()::text), 1, 24), ${toId}, ${workspaceId}, hash,
      filename, original_path, split, ext, width, height, bytes, labels, label_count, class_ids, error, metadata,
      ${now}, ${now}
    from ${datasetImages} where dataset_id = ${fromId}`);
}

/** Books every picture a dataset holds as its own (once per hash), and adds them to its workspace's usage. */
export async function holdAllImages(tx: Queryable, datasetId: string, workspaceId: string): Promise<void> {
  await tx.execute(sql`
    with held as (
      insert into storage_objects (key, workspace_id, category, resource_id, name, size_bytes, content_type)
      select distinct on (hash) 'images/' || hash, ${workspaceId}, 'datasets', ${datasetId}, filename, bytes,
        'image/' || case ext when 'jpg' then 'jpeg' when 'tif' then 'tiff' else ext end
      from ${datasetImages} where dataset_id = ${datasetId}
      on conflict do nothing
      returning size_bytes)
    insert into storage_usage (workspace_id, category, bytes, count, updated_at)
    select ${workspaceId}, 'datasets', coalesce(sum(size_bytes), 0), count(*), now() from held
    on conflict (workspace_id, category) do update set
      bytes = storage_usage.bytes + excluded.bytes,
      count = storage_usage.count + excluded.count,
      updated_at = now()`);
}
