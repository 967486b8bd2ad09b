import type { ImageLabel } from "../db/schema";

/** What a label is checked against: the dataset's task, its classes and, for pose, its keypoint shape. */
export interface LabelRules {
  task: string;
  classCount: number;
  kptShape?: [number, number] | null;
}

/** The geometry each task's labels carry (semantic and depth datasets hold no per-object labels). */
const GEOMETRY: Record<string, keyof ImageLabel | undefined> = {
  detect: "bbox",
  segment: "segments",
  pose: "keypoints",
  obb: "obb",
  classify: undefined,
};

/**
 * The first thing wrong with these labels, as `labels[i].field: why`, or undefined when they are
 * valid: bbox `[xc, yc, w, h]` in [0, 1] with a positive size; segments flat, even, at least 3
 * points in [0, 1]; keypoints as the dataset's kpt_shape says; OBB four corners in [0, 1];
 * classId within the classes.
 */
export function labelProblem(labels: ImageLabel[], rules: LabelRules): string | undefined {
  for (const [i, label] of labels.entries()) {
    const problem = oneLabelProblem(label, rules);
    if (problem) return `labels[${i}].${problem}`;
  }
  return undefined;
}

function oneLabelProblem(label: ImageLabel, rules: LabelRules): string | undefined {
  if (!Number.isInteger(label.classId) || label.classId < 0) return "classId: must be a non-negative integer";
  if (label.classId >= rules.classCount)
    return `classId: ${label.classId} is not a class of this dataset (it has ${rules.classCount})`;
  if (!(rules.task in GEOMETRY)) return `classId: a ${rules.task} dataset holds no per-object labels`;
  const needed = GEOMETRY[rules.task];
  for (const field of ["bbox", "segments", "keypoints", "obb"] as const) {
    if (label[field] === undefined) continue;
    // A box may come with segments or keypoints (YOLO writes both); nothing else crosses tasks.
    if (field !== needed && !(field === "bbox" && (needed === "segments" || needed === "keypoints")))
      return `${field}: a ${rules.task} dataset's labels do not carry ${field}`;
  }
  if (needed && label[needed] === undefined) return `${needed}: a ${rules.task} label needs it`;
  if (label.bbox) {
    const problem = boxProblem(label.bbox);
    if (problem) return `bbox${problem}`;
  }
  if (label.segments) {
    const problem = polygonProblem(label.segments);
    if (problem) return `segments${problem}`;
  }
  if (label.obb) {
    if (label.obb.length !== 8) return "obb: must be four corners [x1, y1, ..., x4, y4]";
    const problem = unitProblem(label.obb);
    if (problem) return `obb${problem}`;
  }
  if (label.keypoints) {
    const problem = keypointsProblem(label.keypoints, rules.kptShape);
    if (problem) return `keypoints${problem}`;
    if (!label.bbox) return "bbox: a pose label needs the box around its keypoints";
  }
  return undefined;
}

function unitProblem(values: number[]): string | undefined {
  const at = values.findIndex((v) => !Number.isFinite(v) || v < 0 || v > 1);
  return at === -1 ? undefined : `[${at}]: ${values[at]} is outside [0, 1]`;
}

function boxProblem(box: number[]): string | undefined {
  if (box.length !== 4) return ": must be [x_center, y_center, width, height]";
  const problem = unitProblem(box);
  if (problem) return problem;
  if (box[2]! <= 0 || box[3]! <= 0) return ": width and height must be positive";
  return undefined;
}

function polygonProblem(points: number[]): string | undefined {
  if (points.length % 2 !== 0) return ": must be flat [x1, y1, x2, y2, ...] pairs";
  if (points.length < 6) return ": a polygon needs at least 3 points";
  return unitProblem(points);
}

function keypointsProblem(values: number[], shape: [number, number] | null | undefined): string | undefined {
  if (!shape) return ": the dataset has no kpt_shape to check keypoints against";
  const [count, dims] = shape;
  if (values.length !== count * dims) return `: must hold ${count} keypoints of ${dims} values (kpt_shape)`;
  for (let at = 0; at < values.length; at++) {
    const value = values[at]!;
    const isVisibility = dims === 3 && at % 3 === 2;
    if (!Number.isFinite(value)) return `[${at}]: must be a finite number`;
    if (isVisibility ? ![0, 1, 2].includes(value) : value < 0 || value > 1)
      return `[${at}]: ${value} is outside ${isVisibility ? "the visibilities 0, 1, 2" : "[0, 1]"}`;
  }
  return undefined;
}

/** The distinct classes of some labels, ascending: what the classIds filter matches. */
export function classIdsOf(labels: ImageLabel[]): number[] {
  return [...new Set(labels.map((label) => label.classId))].sort((a, b) => a - b);
}
