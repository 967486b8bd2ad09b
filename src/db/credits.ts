import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { creditLedger, type CreditKind } from "./schema";

/** The balance is the sum of the ledger: no counter to drift. */
export async function balanceOf(db: Queryable, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ cents: sql<number>`coalesce(sum(${creditLedger.amountCents}), 0)`.mapWith(Number) })
    .from(creditLedger)
    .where(eq(creditLedger.workspaceId, workspaceId));
  return row?.cents ?? 0;
}

/** Appends one row; false when this job already has a row of this kind (the step was done). */
export async function appendCredit(
  tx: Queryable,
  row: { id: string; workspaceId: string; kind: CreditKind; amountCents: number; jobId?: string; note?: string },
): Promise<boolean> {
  const inserted = await tx.insert(creditLedger).values(row).onConflictDoNothing().returning({ id: creditLedger.id });
  return inserted.length > 0;
}

export async function creditOfJob(db: Queryable, jobId: string, kind: CreditKind) {
  const [row] = await db
    .select()
    .from(creditLedger)
    .where(and(eq(creditLedger.jobId, jobId), eq(creditLedger.kind, kind)));
  return row;
}

/** Serialises credit decisions of one workspace inside a transaction. */
export async function lockCredits(tx: Queryable, workspaceId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`credits:${workspaceId}`}))`);
}
