import type { Actor } from "../auth/actor";
import { assertWritable } from "../auth/policy";
import type { Deps } from "../context";
import { updateDatasetFields, type DatasetView } from "../db/datasets";
import { recountDataset, updateImageFields, type ImageRow } from "../db/images";
import type { ModelRef } from "../db/models";
import { ApiError } from "../errors";
import { settingsOf } from "../settings";
import { imageKey } from "../storage/keys";
import { classIdsOf, labelProblem } from "./labels";
import { predictOnRunner, predictionModel, runnerMs, type PredictionModel } from "./predict";
import { kptShapeOf, labelsFromPredictions } from "./predicted-labels";
import { parseUlName } from "./ul-uri";

export interface AnnotateRequest {
  /** `ul://owner/project/model`; the dataset task's default model (AUTO_ANNOTATE_MODELS) when absent. */
  modelUri?: string;
  confidence: number;
  iou: number;
}

/** The tasks whose images hold per-object labels a model can predict. */
const ANNOTATABLE = ["detect", "segment", "pose", "obb", "classify"];

/**
 * Auto-annotate: runs a model on one of the dataset's images through the predict pipeline and
 * stores its predictions as the image's labels (replacing them), in YOLO normalised form. A
 * dataset without classes takes the model's; otherwise classes are matched by name and a model
 * sharing none with the dataset is refused (422).
 */
export async function annotateImage(
  deps: Deps,
  actor: Actor,
  found: { view: DatasetView; image: ImageRow },
  request: AnnotateRequest,
) {
  const { view, image } = found;
  const dataset = view.dataset;
  await assertWritable(deps, actor, dataset, "Dataset");
  if (!ANNOTATABLE.includes(dataset.task))
    throw new ApiError("VALIDATION_ERROR", `A ${dataset.task} dataset's images cannot be annotated from predictions`);
  const modelUri = request.modelUri ?? settingsOf(deps.env).AUTO_ANNOTATE_MODELS[dataset.task];
  if (!modelUri) throw new ApiError("VALIDATION_ERROR", "Invalid body: modelId: name the model to annotate with");
  const target = await annotatingModel(deps, actor, modelUri, !request.modelUri);
  const modelTask = target.view.model.task ?? "detect";
  if (modelTask !== dataset.task)
    throw new ApiError("VALIDATION_ERROR", `${modelUri} is a ${modelTask} model; this dataset is ${dataset.task}`);
  const modelClasses = target.view.model.classNames ?? [];
  const classNames = dataset.classNames.length ? dataset.classNames : modelClasses;
  if (modelClasses.length && !sharesAClass(modelClasses, classNames))
    throw new ApiError("UNPROCESSABLE", `${modelUri} predicts none of this dataset's classes`);

  const picture = { objectKey: imageKey(image.hash), name: image.filename, sizeBytes: image.bytes };
  const options = { conf: request.confidence, iou: request.iou, imgsz: 640 };
  const answer = await predictOnRunner(deps, target, picture, options);
  if (!answer.images)
    throw new ApiError("SERVICE_UNAVAILABLE", `The prediction is still running (job ${answer.jobId}); try again`, {
      "Retry-After": "15",
    });
  const predicted = answer.images[0]?.results ?? [];
  const adopting = !dataset.classNames.length;
  const kptShape = dataset.kptShape ?? (dataset.task === "pose" ? kptShapeOf(predicted) : undefined);
  const rules = { task: dataset.task, classNames, kptShape };
  const shape = answer.images[0]?.shape ?? [image.height, image.width];
  // A label the conversion could not make valid (a degenerate mask) is left out rather than stored.
  const labels = labelsFromPredictions(predicted, shape, rules).filter(
    (label) => !labelProblem([label], { ...rules, classCount: classNames.length }),
  );
  await storeLabels(deps, view, image, labels, {
    ...(adopting && classNames.length ? { classNames } : {}),
    ...(kptShape && !dataset.kptShape ? { kptShape } : {}),
  });
  return { predictions: labels, modelUsed: modelUri, inferenceTime: runnerMs(answer.images) / 1000 };
}

async function annotatingModel(deps: Deps, actor: Actor, uri: string, isDefault: boolean): Promise<PredictionModel> {
  const name = parseUlName(uri);
  if (name?.kind !== "model")
    throw new ApiError("VALIDATION_ERROR", `Invalid body: modelId: ${uri} is not ul://owner/project/model`);
  const ref: ModelRef = name.ref;
  return predictionModel(deps, actor, ref).catch((error: unknown) => {
    if (!(error instanceof ApiError) || error.code !== "NOT_FOUND") throw error;
    const hint = isDefault
      ? " (the default model for this task: name one with modelId, or set AUTO_ANNOTATE_MODELS)"
      : "";
    throw new ApiError("NOT_FOUND", `Model ${uri} not found${hint}`);
  });
}

function sharesAClass(modelClasses: string[], datasetClasses: string[]): boolean {
  const known = new Set(datasetClasses.map((name) => name.trim().toLowerCase()));
  return modelClasses.some((name) => known.has(name.trim().toLowerCase()));
}

async function storeLabels(
  deps: Deps,
  view: DatasetView,
  image: ImageRow,
  labels: ImageRow["labels"],
  datasetChanges: { classNames?: string[]; kptShape?: [number, number] },
) {
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    if (Object.keys(datasetChanges).length) await updateDatasetFields(tx, view.dataset.id, datasetChanges);
    const changes = { labels, labelCount: labels.length, classIds: classIdsOf(labels), updatedAt: now };
    await updateImageFields(tx, image.id, changes);
    await recountDataset(tx, view.dataset.id, now);
  });
}
