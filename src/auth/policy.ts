import type { Deps } from "../context";
import { findWorkspace, findWorkspaceByUsername, membershipRole } from "../db/identity";
import type { Viewer } from "../db/viewer";
import { ApiError } from "../errors";
import { isSignedIn, type Actor } from "./actor";

/** The one authorization policy: who may read or change a workspace's resources. */
export type Role = "viewer" | "editor" | "admin" | "owner";

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

export interface Owned {
  workspaceId: string;
  visibility?: "public" | "private";
}

/** The actor's role in a workspace. API keys act only in their own workspace. */
export async function roleIn(deps: Deps, actor: Actor, workspaceId: string): Promise<Role | null> {
  if (!isSignedIn(actor)) return null;
  if (actor.workspaceId === workspaceId) return "owner";
  if (actor.kind === "key") return null;
  return membershipRole(deps.db, workspaceId, actor.userId);
}

/** The actor as reads filter rows by: the same rule as roleIn, applied in SQL. */
export function viewerOf(actor: Actor): Viewer {
  return isSignedIn(actor)
    ? { userId: actor.userId, workspaceId: actor.workspaceId, viaSession: actor.kind === "session" }
    : {};
}

/** Whose resources a list reads: the owner named, else the caller's own. */
export function listedOwner(actor: Actor, owner: string | undefined): string {
  const listed = owner ?? (isSignedIn(actor) ? actor.username : undefined);
  if (!listed) throw new ApiError("UNAUTHORIZED", "Sign in or name an owner: ?username=<owner>");
  return listed;
}

/** Editors and above see a resource's internals (a runner's raw error output, for one). */
export function canEdit(role: Role | null): boolean {
  return role !== null && RANK[role] >= RANK.editor;
}

/** Private resources are NOT_FOUND to outsiders, never FORBIDDEN: their existence is private too. */
export async function assertReadable(deps: Deps, actor: Actor, resource: Owned, what: string): Promise<Role | null> {
  const role = await roleIn(deps, actor, resource.workspaceId);
  if (role || resource.visibility === "public") return role;
  throw new ApiError("NOT_FOUND", `${what} not found`);
}

/** Changing needs editor rights; a public resource of someone else is FORBIDDEN, a private one NOT_FOUND. */
export async function assertWritable(
  deps: Deps,
  actor: Actor,
  resource: Owned,
  what: string,
  minimum: Role = "editor",
): Promise<void> {
  const role = await assertReadable(deps, actor, resource, what);
  if (!role || RANK[role] < RANK[minimum]) throw new ApiError("FORBIDDEN", `Workspace ${minimum} access required`);
}

/** The workspace a create goes to: the `owner` named in the request, or the caller's own. */
export async function targetWorkspace(deps: Deps, actor: Actor, owner?: string) {
  if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
  const workspace = owner
    ? await findWorkspaceByUsername(deps.db, owner)
    : await findWorkspace(deps.db, actor.workspaceId);
  if (!workspace) throw new ApiError("NOT_FOUND", `Workspace ${owner} not found`);
  const role = await roleIn(deps, actor, workspace.id);
  if (!role || RANK[role] < RANK.editor) throw new ApiError("FORBIDDEN", "Workspace editor access required");
  return workspace;
}
