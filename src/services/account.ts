import type { SignedInActor } from "../auth/actor";
import type { Deps } from "../context";
import { balanceOf } from "../db/credits";
import { countLiveDatasets } from "../db/datasets";
import { findWorkspace, teamsOf } from "../db/identity";
import { countLiveModels } from "../db/models";
import { countLiveProjects } from "../db/projects";
import { ApiError } from "../errors";

/** Plan, balance and resource counts; sessions also see their team workspaces. */
export async function accountSummary(deps: Deps, actor: SignedInActor) {
  const [workspace, projects, datasets, models, creditsCents, teams] = await Promise.all([
    findWorkspace(deps.db, actor.workspaceId),
    countLiveProjects(deps.db, actor.workspaceId),
    countLiveDatasets(deps.db, actor.workspaceId),
    countLiveModels(deps.db, actor.workspaceId),
    balanceOf(deps.db, actor.workspaceId),
    actor.kind === "session" ? teamsOf(deps.db, actor.userId) : Promise.resolve([]),
  ]);
  if (!workspace) throw new ApiError("UNAUTHORIZED", "Workspace no longer exists");
  return { workspace, creditsCents, counts: { projects, datasets, models }, teams };
}
