/** HUB v1 projects and datasets: the same ones /api shows, as HUB documents need them. */
import type { Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import type { DatasetView } from "../../db/datasets";
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

/** A dataset with `url`: its newest version's NDJSON (the dataset as it is now without one), signed; null while a runner writes it. */
export async function hubDataset(deps: Deps, actor: Actor, id: string) {
  const view = await getDataset(deps, actor, { id });
  return { view, url: await downloadUrl(deps, actor, view) };
}

export async function hubDatasets(deps: Deps, actor: Actor, limit: number) {
  const { rows } = await listOwnerDatasets(deps, actor, { limit });
  return Promise.all(rows.map(async (view) => ({ view, url: await downloadUrl(deps, actor, view) })));
}

async function downloadUrl(deps: Deps, actor: Actor, view: DatasetView): Promise<string | null> {
  const newest = await findVersion(deps.db, view.dataset.id);
  if (!newest && !view.dataset.imageCount) return null;
  return exportLink(deps, actor, { id: view.dataset.id }, newest?.version).then(
    (link) => link.downloadUrl,
    () => null,
  );
}
