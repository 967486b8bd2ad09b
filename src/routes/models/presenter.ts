import type { ModelSummaryView, ModelView } from "../../db/models";
import { effectiveVisibility } from "../../services/models";
import type { ModelJson } from "./schemas";
import { presentTrainArgs } from "./train-args";

const iso = (date: Date | null) => (date ? { value: date.toISOString() } : undefined);

/** The one presenter of a model: the contract's Model, nothing from the row beyond it. */
export function toModel(view: ModelView, options: { charts?: boolean } = {}): ModelJson {
  const m = view.model;
  const startedAt = iso(m.startedAt);
  const completedAt = iso(m.completedAt);
  return {
    id: m.id,
    owner: view.owner,
    project: view.project.slug,
    projectName: view.project.name,
    model: m.slug,
    visibility: effectiveVisibility(view),
    name: m.name,
    description: m.description,
    ...(m.license ? { license: m.license as ModelJson["license"] } : {}),
    status: m.status,
    ...(m.task ? { task: m.task as ModelJson["task"] } : {}),
    ...(m.color ? { color: m.color } : {}),
    ...(m.datasetId ? { datasetId: m.datasetId } : {}),
    ...(m.sourceModelId ? { sourceModelId: m.sourceModelId, clonedFrom: m.sourceModelId } : {}),
    ...(m.baseModel ? { baseModel: m.baseModel } : {}),
    ...(m.epochs !== null ? { epochs: m.epochs } : {}),
    ...(m.bestEpoch !== null ? { bestEpoch: m.bestEpoch } : {}),
    ...(m.bestFitness !== null ? { bestFitness: m.bestFitness } : {}),
    ...(m.metrics ? { metrics: m.metrics } : {}),
    ...(options.charts && m.trainResults ? { trainResults: m.trainResults } : {}),
    hasWeights: view.weights !== null,
    ...(view.weights ? { file: { size: view.weights.sizeBytes } } : {}),
    ...(m.ultralyticsVersion ? { version: m.ultralyticsVersion } : {}),
    ...(startedAt ? { startedAt: startedAt.value } : {}),
    ...(completedAt ? { completedAt: completedAt.value } : {}),
    ...(m.classNames ? { classNames: m.classNames } : {}),
    ...(m.trainingError ? { trainingError: m.trainingError } : {}),
    starCount: m.starCount,
    isStarred: view.isStarred,
    cloneCount: m.cloneCount,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/** Detail adds the training arguments (those the contract can carry) and the metadata. */
/** What a create answers: where the new model lives. */
export function toCreatedModel(view: ModelView) {
  return {
    id: view.model.id,
    owner: view.owner,
    project: view.project.slug,
    model: view.model.slug,
    region: view.region,
  };
}

export function toModelDetail(view: ModelView) {
  const trainArgs = presentTrainArgs(view.model.trainArgs);
  return { ...toModel(view, { charts: true }), ...(trainArgs ? { trainArgs } : {}), metadata: view.model.metadata };
}

/** The docs' alias fields (`_id`, `slug`, `projectId`, `username`) for id-path answers. */
export function withAliases<T extends { id: string; model: string; owner: string }>(model: T, projectId: string) {
  return { ...model, _id: model.id, slug: model.model, projectId, username: model.owner };
}

/** The contract's ProjectModelSummary: a model as its project's page lists it. */
export function toProjectModelSummary(view: ModelSummaryView) {
  const m = view.model;
  return {
    id: m.id,
    model: m.slug,
    name: m.name,
    ...(m.color ? { color: m.color } : {}),
    ...(m.task ? { task: m.task as ModelJson["task"] } : {}),
    status: m.status,
    ...(m.epochs !== null ? { epochs: m.epochs } : {}),
    ...(m.bestEpoch !== null ? { bestEpoch: m.bestEpoch } : {}),
    ...(m.bestFitness !== null ? { bestFitness: m.bestFitness } : {}),
    ...(m.metrics ? { metrics: m.metrics } : {}),
    epochCount: view.epochCount,
    ...(m.startedAt ? { startedAt: m.startedAt.toISOString() } : {}),
    hasWeights: view.weights !== null,
    ...(view.weights ? { file: { size: view.weights.sizeBytes } } : {}),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
