import { gpuCostCents } from "../billing/gpu-prices";
import type { Queryable } from "../db/client";
import { appendCredit, balanceOf, creditOfJob, lockCredits } from "../db/credits";
import { ApiError } from "../errors";
import { newId } from "../ids";

/**
 * GPU jobs pay from an append-only ledger: `reserve` holds the estimate when the job is created
 * (402 when the balance cannot cover it), `settle` books the GPU-seconds used at the end and
 * gives the reservation back, `release` gives it back when the job fails or is cancelled. Each
 * step is one row per (job, kind), so repeating a step changes nothing.
 */
export async function reserveCredits(
  tx: Queryable,
  job: { id: string; workspaceId: string },
  cents: number,
): Promise<void> {
  await lockCredits(tx, job.workspaceId);
  const balance = await balanceOf(tx, job.workspaceId);
  if (balance < cents)
    throw new ApiError(
      "PAYMENT_REQUIRED",
      `Insufficient credits: this job needs ${cents} cents, the balance is ${balance}`,
    );
  await appendCredit(tx, {
    id: newId("credit"),
    workspaceId: job.workspaceId,
    kind: "reserve",
    amountCents: -cents,
    jobId: job.id,
    note: "reserved for job",
  });
}

export async function settleCredits(
  tx: Queryable,
  job: { id: string; workspaceId: string; gpuType: string | null },
  gpuSeconds: number,
): Promise<void> {
  const reserved = await creditOfJob(tx, job.id, "reserve");
  if (!reserved) return;
  await appendCredit(tx, {
    id: newId("credit"),
    workspaceId: job.workspaceId,
    kind: "release",
    amountCents: -reserved.amountCents,
    jobId: job.id,
    note: "reservation returned",
  });
  await appendCredit(tx, {
    id: newId("credit"),
    workspaceId: job.workspaceId,
    kind: "settle",
    amountCents: -gpuCostCents(job.gpuType ?? "", gpuSeconds),
    jobId: job.id,
    note: `${gpuSeconds} GPU-seconds on ${job.gpuType}`,
  });
}

export async function releaseCredits(tx: Queryable, job: { id: string; workspaceId: string }): Promise<void> {
  const reserved = await creditOfJob(tx, job.id, "reserve");
  if (!reserved) return;
  await appendCredit(tx, {
    id: newId("credit"),
    workspaceId: job.workspaceId,
    kind: "release",
    amountCents: -reserved.amountCents,
    jobId: job.id,
    note: "reservation returned",
  });
}

export async function grantCredits(tx: Queryable, workspaceId: string, cents: number, note: string): Promise<void> {
  await appendCredit(tx, { id: newId("credit"), workspaceId, kind: "grant", amountCents: cents, note });
}

export { balanceOf };
