import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "./client";

/** A starrable resource: its table and star count, and the table of who starred what. */
export interface StarTables {
  resources: PgTable;
  id: AnyPgColumn;
  starCount: AnyPgColumn;
  stars: PgTable;
  /** The stars table's columns naming the resource and the user. */
  starredId: AnyPgColumn;
  starredBy: AnyPgColumn;
}

/** Whether the user (a value, or a placeholder in a statement rendered once) starred the row at hand; false with no user. */
export function isStarredBy(t: StarTables, userId: string | SQLWrapper | undefined): SQL<boolean> {
  if (!userId) return sql<boolean>`false`;
  return sql<boolean>`exists (select 1 from ${t.stars} where ${t.starredId} = ${t.id} and ${t.starredBy} = ${userId})`;
}

/** Stars or unstars for one user and keeps the count in step, in one transaction; returns the count. */
export async function setStar(
  db: Database,
  t: StarTables,
  resourceId: string,
  userId: string,
  starred: boolean,
): Promise<number> {
  const column = (c: AnyPgColumn) => sql.identifier(c.name);
  return db.transaction(async (tx) => {
    const changed = await tx.execute(
      starred
        ? sql`insert into ${t.stars} (${column(t.starredId)}, ${column(t.starredBy)}) values (${resourceId}, ${userId}) on conflict do nothing`
        : sql`delete from ${t.stars} where ${t.starredId} = ${resourceId} and ${t.starredBy} = ${userId}`,
    );
    const delta = changed.rowCount ? (starred ? 1 : -1) : 0;
    const { rows } = await tx.execute<{ star_count: number }>(
      sql`update ${t.resources} set ${column(t.starCount)} = greatest(${t.starCount} + ${delta}, 0) where ${t.id} = ${resourceId} returning ${t.starCount} as star_count`,
    );
    return Number(rows[0]?.star_count ?? 0);
  });
}
