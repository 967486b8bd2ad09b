import { and, desc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "./client";
import { storageObjects, storageUsage, uploads, type StorageCategory } from "./schema";

export type StorageObject = typeof storageObjects.$inferInsert;

/** Records a new R2 object and adds it to the workspace's counters, in the caller's transaction. */
export async function addObject(tx: Queryable, object: StorageObject): Promise<void> {
  await tx.insert(storageObjects).values(object);
  await countIn(tx, object);
}

async function countIn(tx: Queryable, object: StorageObject): Promise<void> {
  await tx
    .insert(storageUsage)
    .values({ workspaceId: object.workspaceId, category: object.category, bytes: object.sizeBytes, count: 1 })
    .onConflictDoUpdate({
      target: [storageUsage.workspaceId, storageUsage.category],
      set: {
        bytes: sql`${storageUsage.bytes} + ${object.sizeBytes}`,
        count: sql`${storageUsage.count} + 1`,
        updatedAt: sql`now()`,
      },
    });
}

/** Books an object for a resource unless it already holds it (a dataset holding a picture twice counts it once). */
export async function holdObject(tx: Queryable, object: StorageObject): Promise<boolean> {
  const [inserted] = await tx
    .insert(storageObjects)
    .values(object)
    .onConflictDoNothing()
    .returning({ key: storageObjects.key });
  if (!inserted) return false;
  await countIn(tx, object);
  return true;
}

/** Removes the objects of these resources from the books; returns the R2 keys no resource holds any more. */
export async function removeObjectsOf(tx: Queryable, resourceIds: string[]): Promise<string[]> {
  if (!resourceIds.length) return [];
  return removeObjects(tx, inArray(storageObjects.resourceId, resourceIds));
}

export async function removeObjectByKey(tx: Queryable, key: string): Promise<string[]> {
  return removeObjects(tx, eq(storageObjects.key, key));
}

async function removeObjects(tx: Queryable, where: SQL): Promise<string[]> {
  const removed = await tx.delete(storageObjects).where(where).returning({
    key: storageObjects.key,
    workspaceId: storageObjects.workspaceId,
    category: storageObjects.category,
    sizeBytes: storageObjects.sizeBytes,
  });
  const totals = new Map<string, { workspaceId: string; category: StorageCategory; bytes: number; count: number }>();
  for (const object of removed) {
    const id = `${object.workspaceId}/${object.category}`;
    const total = totals.get(id) ?? { workspaceId: object.workspaceId, category: object.category, bytes: 0, count: 0 };
    total.bytes += object.sizeBytes;
    total.count += 1;
    totals.set(id, total);
  }
  for (const total of totals.values()) {
    await tx
      .update(storageUsage)
      .set({
        bytes: sql`${storageUsage.bytes} - ${total.bytes}`,
        count: sql`${storageUsage.count} - ${total.count}`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(storageUsage.workspaceId, total.workspaceId), eq(storageUsage.category, total.category)));
  }
  return unheld(tx, [...new Set(removed.map((object) => object.key))]);
}

/** Of these keys, those no resource holds any more (a shared picture stays while a dataset holds it). */
async function unheld(tx: Queryable, keys: string[]): Promise<string[]> {
  if (!keys.length) return [];
  const held = await tx
    .selectDistinct({ key: storageObjects.key })
    .from(storageObjects)
    .where(inArray(storageObjects.key, keys));
  const stillHeld = new Set(held.map((row) => row.key));
  return keys.filter((key) => !stillHeld.has(key));
}

/** Takes one resource's hold on one object off the books; returns the key when nobody holds it any more. */
export async function releaseObject(tx: Queryable, key: string, resourceId: string): Promise<string[]> {
  return removeObjects(tx, and(eq(storageObjects.key, key), eq(storageObjects.resourceId, resourceId))!);
}

export async function usageOf(db: Queryable, workspaceId: string) {
  return db.select().from(storageUsage).where(eq(storageUsage.workspaceId, workspaceId));
}

/** Bytes promised to uploads that may still arrive: counted against the quota before they land. */
export async function pendingUploadBytes(db: Queryable, workspaceId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ bytes: sql<number>`coalesce(sum(${uploads.totalBytes}), 0)`.mapWith(Number) })
    .from(uploads)
    .where(and(eq(uploads.workspaceId, workspaceId), eq(uploads.status, "pending"), gt(uploads.expiresAt, now)));
  return row?.bytes ?? 0;
}

/** The workspace's largest resources by stored bytes. */
export async function largestResources(db: Queryable, workspaceId: string, limit: number) {
  return db
    .select({
      resourceId: storageObjects.resourceId,
      category: storageObjects.category,
      name: sql<string>`min(${storageObjects.name})`,
      sizeBytes: sql<number>`sum(${storageObjects.sizeBytes})`.mapWith(Number),
    })
    .from(storageObjects)
    .where(eq(storageObjects.workspaceId, workspaceId))
    .groupBy(storageObjects.resourceId, storageObjects.category)
    .orderBy(desc(sql`sum(${storageObjects.sizeBytes})`))
    .limit(limit);
}

/** Books an object under another resource (an upload to a project that became a model's file). */
export async function reassignObject(tx: Queryable, key: string, resourceId: string): Promise<void> {
  await tx.update(storageObjects).set({ resourceId }).where(eq(storageObjects.key, key));
}
