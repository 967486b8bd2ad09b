import type { DatasetView } from "../../db/datasets";
import type { ProjectView } from "../../db/projects";
import type { ModelStatus } from "../../db/schema";
import type { HubDocumentParts } from "../../services/hub/models";

/** HUB's three states: a model not trained yet, training, or trained. */
function hubStatus(status: ModelStatus): "new" | "training" | "trained" {
  if (status === "completed") return "trained";
  if (status === "starting" || status === "running") return "training";
  return "new";
}

/**
 * The one presenter of a HUB v1 model document: every field hub-sdk and the HUB-era
 * ultralytics package read (CLIENTS.md §1, §2), over the same model /api shows.
 */
export function toHubModel(parts: HubDocumentParts) {
  const { view, files, weightsUrl, resumeUrl, dataUrl } = parts;
  const { model } = view;
  const args = model.trainArgs ?? {};
  const parent = typeof args.model === "string" && args.model.endsWith(".pt") ? args.model : null;
  const cfg = model.architecture ?? (typeof args.model === "string" && /\.ya?ml$/.test(args.model) ? args.model : null);
  const has = (name: string) => files.some((file) => file.name === name);
  const config = {
    batchSize: args.batch ?? null,
    epochs: args.epochs ?? null,
    imageSize: args.imgsz ?? null,
    patience: args.patience ?? null,
    device: args.device ?? null,
    cache: args.cache ?? null,
  };
  return {
    id: model.id,
    meta: { name: model.name },
    name: model.name,
    slug: model.slug,
    projectId: view.project.id,
    datasetId: model.datasetId,
    status: hubStatus(model.status),
    has_last_weights: has("last.pt"),
    has_best_weights: has("best.pt"),
    is_pretrained: parent !== null,
    is_custom: parent === null,
    cfg,
    data: dataUrl,
    weights: weightsUrl ?? parent,
    resume: resumeUrl,
    train_args: { ...args, ...(dataUrl ? { data: dataUrl } : {}) },
    batch_size: config.batchSize,
    epochs: config.epochs,
    imgsz: config.imageSize,
    patience: config.patience,
    device: config.device,
    cache: config.cache,
    config,
    metrics: model.metrics ?? {},
    public: model.visibility === "public" && view.project.visibility === "public",
    createdAt: model.createdAt.toISOString(),
    updatedAt: model.updatedAt.toISOString(),
  };
}

/** What every HUB document of a named resource carries: `meta` as HUB wrote it, beside the flat fields. */
function hubBase(
  resource: { id: string; name: string; slug: string; description: string; visibility: string; createdAt: Date },
  owner: string,
) {
  return {
    id: resource.id,
    meta: { name: resource.name, description: resource.description },
    name: resource.name,
    slug: resource.slug,
    owner,
    public: resource.visibility === "public",
    createdAt: resource.createdAt.toISOString(),
  };
}

export function toHubProject(view: ProjectView) {
  return { ...hubBase(view.project, view.owner), description: view.project.description };
}

/** A HUB dataset document; `url` is its download link (hub-sdk's get_download_link). */
export function toHubDataset({ view, url }: { view: DatasetView; url: string | null }) {
  const d = view.dataset;
  return { ...hubBase(d, view.owner), task: d.task, url, classNames: d.classNames, imageCount: d.imageCount };
}
