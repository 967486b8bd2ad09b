/** HUB v1 projects and datasets: the same ones /api shows, as HUB documents need them. */
import type { Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import { findVersion } from "../../db/versions";
import { ApiError } from "../../errors";
import { exportLink } from "../dataset-versions";
import { createDataset, getDataset, listOwnerDatasets, trashDataset, updateDataset } from "../datasets";
import { createProject, getProject, listOwnerProjects, trashProject, updateProject } from "../projects";
import { slugify } from "../resource-edits";
import { deleteFromTrash } from "../trash";

/** What hub-sdk sends to make or change a project or a dataset: HUB's `meta`. */
export interface HubResourceBody {
  meta?: { name?: string; description?: string };
  public?: boolean;
}

export async function hubProject(deps: Deps, actor: Actor, id: string) {
  return (await getProject(deps, actor, { id })).view;
}

export async function hubProjects(deps: Deps, actor: Actor, limit: number) {
  return (await listOwnerProjects(deps, actor, { limit })).rows.map((row) => row.view);
}

/** A dataset with `url`, its download link. */
export async function hubDataset(deps: Deps, actor: Actor, id: string) {
  const view = await getDataset(deps, actor, { id });
  return { view, url: await datasetDownloadUrl(deps, actor, view.dataset) };
}

export async function hubDatasets(deps: Deps, actor: Actor, limit: number) {
  const { rows } = await listOwnerDatasets(deps, actor, { limit });
  return Promise.all(rows.map(async (view) => ({ view, url: await datasetDownloadUrl(deps, actor, view.dataset) })));
}

/**
 * The dataset's newest version as NDJSON (the dataset as it is now without one), signed; null while a
 * runner writes it, or when an empty dataset has nothing to download.
 */
export async function datasetDownloadUrl(
  deps: Deps,
  actor: Actor,
  dataset: { id: string; imageCount?: number },
): Promise<string | null> {
  const newest = await findVersion(deps.db, dataset.id);
  if (!newest && dataset.imageCount === 0) return null;
  return exportLink(deps, actor, { id: dataset.id }, newest?.version).then(
    (link) => link.downloadUrl,
    () => null,
  );
}

/** A new project or dataset's name, description and visibility from HUB's body; the URL name from the name. */
function created(body: HubResourceBody) {
  const name = body.meta?.name?.trim() ?? "";
  const slug = slugify(name);
  if (!slug)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: meta.name: a name with a letter or digit is required");
  return {
    slug,
    name,
    ...(body.meta?.description !== undefined ? { description: body.meta.description } : {}),
    ...(body.public !== undefined ? { visibility: body.public ? ("public" as const) : ("private" as const) } : {}),
  };
}

/** The fields a HUB update changes (a new name renames the URL too, as /api does). */
function changed(body: HubResourceBody) {
  const name = body.meta?.name?.trim();
  return {
    ...(name ? { name } : {}),
    ...(body.meta?.description !== undefined ? { description: body.meta.description } : {}),
    ...(body.public !== undefined ? { visibility: body.public ? ("public" as const) : ("private" as const) } : {}),
  };
}

export async function createHubProject(deps: Deps, actor: Actor, body: HubResourceBody) {
  return createProject(deps, actor, created(body));
}

export async function updateHubProject(deps: Deps, actor: Actor, id: string, body: HubResourceBody) {
  await updateProject(deps, actor, { id }, changed(body));
  return hubProject(deps, actor, id);
}

/** `hard=False` moves the project (and its models) to the trash; `hard=True` deletes it for good. */
export async function deleteHubProject(deps: Deps, actor: Actor, id: string, hard: boolean): Promise<void> {
  const view = await hubProject(deps, actor, id);
  await trashProject(deps, actor, { id });
  if (hard) await deleteFromTrash(deps, actor, { id, type: "project", owner: view.owner });
}

export async function createHubDataset(deps: Deps, actor: Actor, body: HubResourceBody) {
  const view = await createDataset(deps, actor, created(body));
  return { view, url: null };
}

export async function updateHubDataset(deps: Deps, actor: Actor, id: string, body: HubResourceBody) {
  await updateDataset(deps, actor, { id }, changed(body));
  return hubDataset(deps, actor, id);
}

export async function deleteHubDataset(deps: Deps, actor: Actor, id: string, hard: boolean): Promise<void> {
  const view = await getDataset(deps, actor, { id });
  await trashDataset(deps, actor, { id });
  if (hard) await deleteFromTrash(deps, actor, { id, type: "dataset", owner: view.owner });
}
