import { eq } from "drizzle-orm";
import type { Queryable } from "./client";
import { datasets, projects } from "./schema";

/** What can carry an uploaded icon: each keeps its key in its own `icon_key` column. */
export type IconKind = "project" | "dataset";

/** The current icon key, with the row locked until the transaction ends (two uploads do not race). */
export async function lockIconKey(tx: Queryable, kind: IconKind, id: string): Promise<string | null> {
  const [row] =
    kind === "project"
      ? await tx.select({ iconKey: projects.iconKey }).from(projects).where(eq(projects.id, id)).for("update")
      : await tx.select({ iconKey: datasets.iconKey }).from(datasets).where(eq(datasets.id, id)).for("update");
  return row?.iconKey ?? null;
}

export async function setIconKey(tx: Queryable, kind: IconKind, id: string, key: string | null, now: Date) {
  if (kind === "project") await tx.update(projects).set({ iconKey: key, updatedAt: now }).where(eq(projects.id, id));
  else await tx.update(datasets).set({ iconKey: key, updatedAt: now }).where(eq(datasets.id, id));
}
