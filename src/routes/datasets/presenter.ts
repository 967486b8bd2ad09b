import type { DatasetView, TrainedModelRow } from "../../db/datasets";
import { projectIconUrl } from "../projects/presenter";
import type { DatasetJson, TrainedModelJson } from "./schemas";

/** Where a dataset's uploaded icon is served. */
export function datasetIconUrl(baseUrl: string, datasetId: string): string {
  return `${baseUrl}/api/datasets/${datasetId}/icon`;
}

/** The one presenter of a dataset: the contract's Dataset, nothing from the row beyond it. */
export function toDataset(view: DatasetView, baseUrl: string): DatasetJson {
  const d = view.dataset;
  return {
    id: d.id,
    owner: view.owner,
    dataset: d.slug,
    name: d.name,
    description: d.description,
    visibility: d.visibility,
    task: d.task as DatasetJson["task"],
    imageCount: d.imageCount,
    classCount: d.classNames.length,
    classNames: d.classNames,
    format: d.format,
    tags: d.tags,
    ...(d.license ? { license: d.license as DatasetJson["license"] } : {}),
    splits: d.splits,
    starCount: d.starCount,
    isStarred: view.isStarred,
    status: d.status,
    ...(d.classColors ? { classColors: d.classColors } : {}),
    ...(d.iconColor ? { iconColor: d.iconColor } : {}),
    ...(d.iconLetter ? { iconLetter: d.iconLetter } : {}),
    ...(d.iconKey ? { iconImage: datasetIconUrl(baseUrl, d.id) } : {}),
    ...(d.kptShape ? { kptShape: d.kptShape } : {}),
    region: view.region,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/** What a create answers: where the new dataset lives. */
export function toCreatedDataset(view: DatasetView) {
  return { id: view.dataset.id, owner: view.owner, dataset: view.dataset.slug, region: view.region };
}

/** Detail adds the metadata. */
export function toDatasetDetail(view: DatasetView, baseUrl: string) {
  return { ...toDataset(view, baseUrl), metadata: view.dataset.metadata };
}

/** The docs' alias fields (`_id`, `slug`, `username`) for id-path answers. */
export function withAliases<T extends { id: string; dataset: string; owner: string }>(dataset: T) {
  return { ...dataset, _id: dataset.id, slug: dataset.dataset, username: dataset.owner };
}

/** A model trained on the dataset; id-path answers add the docs' aliases. */
export function toTrainedModel(row: TrainedModelRow, baseUrl: string, aliases: boolean): TrainedModelJson {
  const { model: m, project: p } = row;
  return {
    id: m.id,
    owner: row.owner,
    project: p.slug,
    model: m.slug,
    name: m.name,
    status: m.status,
    ...(m.task ? { task: m.task as TrainedModelJson["task"] } : {}),
    ...(m.epochs !== null ? { epochs: m.epochs } : {}),
    ...(m.bestEpoch !== null ? { bestEpoch: m.bestEpoch } : {}),
    ...(m.bestFitness !== null ? { bestFitness: m.bestFitness } : {}),
    metrics: m.metrics ?? {},
    ...(m.startedAt ? { startedAt: m.startedAt.toISOString() } : {}),
    ...(m.completedAt ? { completedAt: m.completedAt.toISOString() } : {}),
    createdAt: m.createdAt.toISOString(),
    ...(p.iconColor ? { projectIconColor: p.iconColor } : {}),
    ...(p.iconLetter ? { projectIconLetter: p.iconLetter } : {}),
    ...(p.iconKey ? { projectIconImage: projectIconUrl(baseUrl, p.id) } : {}),
    ...(aliases ? { _id: m.id, slug: m.slug, username: row.owner, projectId: p.id, projectSlug: p.slug } : {}),
  };
}
