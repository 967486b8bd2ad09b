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

/** A HUB project document: `meta` as HUB wrote it, beside the flat fields. */
export function toHubProject(view: ProjectView) {
  const p = view.project;
  return {
    id: p.id,
    meta: { name: p.name, description: p.description },
    name: p.name,
    slug: p.slug,
    description: p.description,
    owner: view.owner,
    public: p.visibility === "public",
    createdAt: p.createdAt.toISOString(),
  };
}

/** A HUB dataset document; `url` is its download link (hub-sdk's get_download_link). */
export function toHubDataset({ view, url }: { view: DatasetView; url: string | null }) {
  const d = view.dataset;
  return {
    id: d.id,
    meta: { name: d.name, description: d.description },
    name: d.name,
    slug: d.slug,
    task: d.task,
    owner: view.owner,
    url,
    classNames: d.classNames,
    imageCount: d.imageCount,
    public: d.visibility === "public",
    createdAt: d.createdAt.toISOString(),
  };
}
