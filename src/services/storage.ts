import type { SignedInActor } from "../auth/actor";
import type { Deps } from "../context";
import { findWorkspace } from "../db/identity";
import { largestResources, usageOf } from "../db/storage";
import { ApiError } from "../errors";
import { PLANS } from "../plans";

/** Usage by category from the exact per-workspace counters, and optionally the largest items. */
export async function storageInfo(deps: Deps, actor: SignedInActor, details: boolean) {
  const [workspace, usage, top] = await Promise.all([
    findWorkspace(deps.db, actor.workspaceId),
    usageOf(deps.db, actor.workspaceId),
    details ? largestResources(deps.db, actor.workspaceId, 10) : Promise.resolve([]),
  ]);
  if (!workspace) throw new ApiError("UNAUTHORIZED");
  const category = (name: "datasets" | "models" | "exports") => {
    const row = usage.find((u) => u.category === name);
    return { bytes: row?.bytes ?? 0, count: row?.count ?? 0 };
  };
  const current = usage.reduce((sum, row) => sum + row.bytes, 0);
  const limit = PLANS[workspace.plan].storageBytes;
  const updated = usage.reduce<Date | null>(
    (latest, row) => (!latest || row.updatedAt > latest ? row.updatedAt : latest),
    null,
  );
  return {
    workspace,
    storage: { current, limit, percent: Math.round((current / limit) * 10_000) / 100 },
    byCategory: { datasets: category("datasets"), models: category("models"), exports: category("exports") },
    topItems: top,
    updatedAt: updated,
  };
}
