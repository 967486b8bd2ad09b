/** HUB v1 projects and datasets: the same ones /api shows, as HUB documents need them. */
import type { Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import { findVersion } from "../../db/versions";
import { exportLink } from "../dataset-versions";
import { getDataset, listOwnerDatasets } from "../datasets";
import { getProject, listOwnerProjects } from "../projects";

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
