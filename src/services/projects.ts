import { isSignedIn, type Actor } from "../auth/actor";
import {
  assertReadable,
  assertWritable,
  listedOwner,
  roleIn,
  targetWorkspace,
  viewerOf,
  type Role,
} from "../auth/policy";
import type { Deps } from "../context";
import { isUniqueViolation } from "../db/errors";
import {
  findProject,
  findProjectDetail,
  findProjectWithModels,
  insertClone,
  insertProject,
  isSlugTaken,
  listProjects,
  moveProjectToTrash,
  projectStarTables,
  updateProjectFields,
  type ModelName,
  type ProjectModelsParams,
  type ProjectRef,
  type ProjectView,
} from "../db/projects";
import type { ModelSummaryView, ModelView } from "../db/models";
import type { Region, ViewPreferences } from "../db/schema";
import { setStar } from "../db/stars";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { copyIcon } from "./icons";
import { isStarOnly, orConflict, slugAfterEdit, slugify } from "./resource-edits";

export interface ProjectCreate {
  slug: string;
  name: string;
  description?: string;
  metadata?: Record<string, unknown>;
  visibility?: "public" | "private";
  tags?: string[];
  license?: string;
  owner?: string;
}

export interface ProjectPatch {
  slug?: string;
  name?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  visibility?: "public" | "private";
  tags?: string[];
  license?: string;
  archived?: boolean;
  iconColor?: string;
  iconLetter?: string | null;
  viewPreferences?: ViewPreferences;
  starred?: boolean;
}

export interface ProjectClone {
  name?: string;
  description?: string;
  visibility?: "public" | "private";
  owner?: string;
  slug?: string;
  license?: string;
}

/** Loads a live project the actor may read; private ones of others are NOT_FOUND. */
export async function getProject(
  deps: Deps,
  actor: Actor,
  ref: ProjectRef,
): Promise<{ view: ProjectView; isOwner: boolean }> {
  const view = await findProject(deps.db, ref, viewerOf(actor));
  if (!view) throw new ApiError("NOT_FOUND", "Project not found");
  const role = await assertReadable(deps, actor, view.project, "Project");
  return { view, isOwner: isOwnerRole(role) };
}

/** How many live models of a project the viewer sees, and their names. */
export interface ModelSummary {
  count: number;
  names: string[];
}

/** Members count every live model of a project; outsiders only the public ones. */
function summarize(modelNames: ModelName[], member: boolean): ModelSummary {
  const names = modelNames.filter((model) => member || model.visibility === "public").map((model) => model.name);
  return { count: names.length, names };
}

function isOwnerRole(role: Role | null): boolean {
  return role === "owner" || role === "admin";
}

/**
 * A readable project with the summaries of its newest `limit` models (all for members, the
 * public ones for others), in one query: what the project detail answers.
 */
export async function getProjectDetail(
  deps: Deps,
  actor: Actor,
  ref: ProjectRef,
  limit: number,
): Promise<{ view: ProjectView; isOwner: boolean; summary: ModelSummary; models: ModelSummaryView[] }> {
  const found = await findProjectDetail(deps.db, ref, viewerOf(actor), limit);
  if (!found) throw new ApiError("NOT_FOUND", "Project not found");
  const role = await assertReadable(deps, actor, found.view.project, "Project");
  return {
    view: found.view,
    isOwner: isOwnerRole(role),
    summary: summarize(found.view.modelNames, Boolean(role)),
    models: visibleModels(found.models, role),
  };
}

/** A readable project's models as full views, newest first, in one query: what the models list answers. */
export async function getProjectModels(
  deps: Deps,
  actor: Actor,
  ref: ProjectRef,
  params: ProjectModelsParams,
): Promise<{ region: Region; models: ModelView[] }> {
  const found = await findProjectWithModels(deps.db, ref, viewerOf(actor), params);
  if (!found) throw new ApiError("NOT_FOUND", "Project not found");
  const role = await assertReadable(deps, actor, found.project, "Project");
  return { region: found.region, models: visibleModels(found.models, role) };
}

/** Members see every model of a readable project; outsiders only the public ones. */
function visibleModels<M extends { model: { visibility: "public" | "private" } }>(models: M[], role: Role | null): M[] {
  return role ? models : models.filter((model) => model.model.visibility === "public");
}

export async function listOwnerProjects(deps: Deps, actor: Actor, params: { owner?: string; limit: number }) {
  const owner = listedOwner(actor, params.owner);
  const result = await listProjects(deps.db, { owner, viewer: viewerOf(actor), limit: params.limit });
  if (!result.ownerFound) throw new ApiError("NOT_FOUND", `Owner ${owner} not found`);
  // Outsiders count only the public models of the public projects they see.
  const first = result.rows[0];
  const member = first ? Boolean(await roleIn(deps, actor, first.project.workspaceId)) : false;
  return { ...result, rows: result.rows.map((view) => ({ view, summary: summarize(view.modelNames, member) })) };
}

export async function createProject(deps: Deps, actor: Actor, input: ProjectCreate): Promise<ProjectView> {
  const workspace = await targetWorkspace(deps, actor, input.owner);
  const now = deps.now();
  const project = await orConflict(
    () =>
      insertProject(deps.db, {
        id: newId("project"),
        workspaceId: workspace.id,
        slug: input.slug,
        name: input.name,
        description: input.description ?? "",
        metadata: input.metadata ?? {},
        visibility: input.visibility ?? "private",
        tags: input.tags ?? [],
        license: input.license ?? null,
        iconLetter: input.name.trim().charAt(0).toUpperCase(),
        createdAt: now,
        updatedAt: now,
      }),
    () => `Project ${input.slug} already exists in ${workspace.username}`,
  );
  return { project, owner: workspace.username, region: workspace.region, isStarred: false };
}

export type ProjectUpdateResult =
  | { kind: "updated"; slug: string }
  | { kind: "starred"; starred: boolean; starCount: number };

export async function updateProject(
  deps: Deps,
  actor: Actor,
  ref: ProjectRef,
  patch: ProjectPatch,
): Promise<ProjectUpdateResult> {
  const { view } = await getProject(deps, actor, ref);
  if (isStarOnly(patch)) {
    if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
    return {
      kind: "starred",
      starred: patch.starred,
      starCount: await setStar(deps.db, projectStarTables, view.project.id, actor.userId, patch.starred),
    };
  }

  await assertWritable(deps, actor, view.project, "Project");
  const { starred: _starred, ...changes } = patch;
  const slug = slugAfterEdit(changes, view.project.slug);
  const updated = await orConflict(
    () =>
      updateProjectFields(deps.db, view.project.id, { ...changes, ...(slug ? { slug } : {}), updatedAt: deps.now() }),
    () => `Project ${slug} already exists in ${view.owner}`,
  );
  if (!updated) throw new ApiError("NOT_FOUND", "Project not found");
  return { kind: "updated", slug: updated.slug };
}

/** Soft delete: the project goes to the trash with a row saying what went with it. */
export async function trashProject(deps: Deps, actor: Actor, ref: ProjectRef): Promise<{ cascadedModels: number }> {
  const { view } = await getProject(deps, actor, ref);
  await assertWritable(deps, actor, view.project, "Project");
  const trashed = await moveProjectToTrash(deps.db, view.project, deps.now());
  if (!trashed) throw new ApiError("NOT_FOUND", "Project not found");
  return trashed;
}

/** Copies an accessible project into a workspace the actor can edit. */
export async function cloneProject(deps: Deps, actor: Actor, ref: ProjectRef, input: ProjectClone) {
  const { view: source } = await getProject(deps, actor, ref);
  const workspace = await targetWorkspace(deps, actor, input.owner);
  const slug =
    input.slug ??
    (await freeSlug(deps, workspace.id, input.name ? slugify(input.name) || source.project.slug : source.project.slug));
  const now = deps.now();
  const id = newId("project");
  const iconKey = source.project.iconKey ? await copyIcon(deps, source.project.iconKey, workspace.id, id) : null;
  try {
    const values = {
      ...source.project,
      id,
      workspaceId: workspace.id,
      slug,
      name: input.name ?? source.project.name,
      description: input.description ?? source.project.description,
      visibility: input.visibility ?? ("private" as const),
      license: input.license ?? source.project.license,
      iconKey: iconKey?.key ?? null,
      clonedFrom: source.project.id,
      cloneCount: 0,
      starCount: 0,
      archived: false,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    const project = await insertClone(deps.db, values, source.project.id, iconKey?.record);
    return { view: { project, owner: workspace.username, region: workspace.region, isStarred: false }, modelCount: 0 };
  } catch (error) {
    if (iconKey) deps.waitUntil(deps.bucket.delete(iconKey.key));
    if (isUniqueViolation(error))
      throw new ApiError("CONFLICT", `Project ${slug} already exists in ${workspace.username}`);
    throw error;
  }
}

/** `slug`, or `slug-2`, `slug-3`... whichever is free in the workspace. */
async function freeSlug(deps: Deps, workspaceId: string, slug: string): Promise<string> {
  for (let n = 1; n < 100; n++) {
    const candidate = n === 1 ? slug : `${slug.slice(0, 120)}-${n}`;
    if (!(await isSlugTaken(deps.db, workspaceId, candidate))) return candidate;
  }
  throw new ApiError("CONFLICT", `No free project name near ${slug}`);
}
