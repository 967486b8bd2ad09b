import type { SignedInActor } from "../auth/actor";
import type { Deps } from "../context";
import { findWorkspace, teamsOf } from "../db/identity";
import { countLiveProjects } from "../db/projects";
import { ApiError } from "../errors";

/** Plan, balance and resource counts; sessions also see their team workspaces. */
export async function accountSummary(deps: Deps, actor: SignedInActor) {
  const [workspace, projects, teams] = await Promise.all([
    findWorkspace(deps.db, actor.workspaceId),
    countLiveProjects(deps.db, actor.workspaceId),
    actor.kind === "session" ? teamsOf(deps.db, actor.userId) : Promise.resolve([]),
  ]);
  if (!workspace) throw new ApiError("UNAUTHORIZED", "Workspace no longer exists");
  return {
    workspace,
    // Credits come with the billing ledger; datasets and models with their issues.
    creditsCents: 0,
    counts: { projects, datasets: 0, models: 0 },
    teams,
  };
}
