import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { trashItems, type TrashType } from "./schema";

export type TrashItem = typeof trashItems.$inferSelect;

export async function listTrash(
  db: Queryable,
  params: { workspaceId: string; type?: TrashType; limit: number; offset: number },
) {
  const where = and(
    eq(trashItems.workspaceId, params.workspaceId),
    params.type ? eq(trashItems.resourceType, params.type) : undefined,
  );
  const items = await db
    .select()
    .from(trashItems)
    .where(where)
    .orderBy(desc(trashItems.trashedAt), desc(trashItems.resourceId))
    .limit(params.limit)
    .offset(params.offset);
  const summary = await db
    .select({
      type: trashItems.resourceType,
      count: sql<number>`count(*)`.mapWith(Number),
      bytes: sql<number>`coalesce(sum(${trashItems.sizeBytes}), 0)`.mapWith(Number),
    })
    .from(trashItems)
    .where(eq(trashItems.workspaceId, params.workspaceId))
    .groupBy(trashItems.resourceType);
  return { items, summary };
}

export async function findTrashItem(
  db: Queryable,
  workspaceId: string,
  type: TrashType,
  id: string,
): Promise<TrashItem | undefined> {
  const [item] = await db
    .select()
    .from(trashItems)
    .where(
      and(eq(trashItems.workspaceId, workspaceId), eq(trashItems.resourceType, type), eq(trashItems.resourceId, id)),
    );
  return item;
}

export async function trashOf(db: Queryable, workspaceId: string): Promise<TrashItem[]> {
  return db.select().from(trashItems).where(eq(trashItems.workspaceId, workspaceId));
}

export async function trashOlderThan(db: Queryable, cutoff: Date, limit: number): Promise<TrashItem[]> {
  return db
    .select()
    .from(trashItems)
    .where(lt(trashItems.trashedAt, cutoff))
    .orderBy(trashItems.trashedAt)
    .limit(limit);
}

export async function deleteTrashRow(
  tx: Queryable,
  item: Pick<TrashItem, "resourceType" | "resourceId">,
): Promise<boolean> {
  const deleted = await tx
    .delete(trashItems)
    .where(and(eq(trashItems.resourceType, item.resourceType), eq(trashItems.resourceId, item.resourceId)))
    .returning({ id: trashItems.resourceId });
  return deleted.length > 0;
}
