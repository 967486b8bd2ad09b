import type { ImageLabel } from "../db/schema";
import type { RunnerPrediction } from "./predict";

/** How a model's predictions become a dataset's labels: its task, its classes by name, its keypoint shape. */
export interface LabelTarget {
  task: string;
  classNames: string[];
  kptShape?: [number, number] | null;
}

/** A keypoint's confidence from which it is written as visible (2); below it, not labelled (0). */
const VISIBLE_FROM = 0.5;

const unit = (value: number) => Math.min(1, Math.max(0, value));
const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * A runner's predictions on a picture of `[height, width]` pixels as YOLO labels, normalised to
 * [0, 1]: boxes as `[xc, yc, w, h]`, masks as polygons, pose keypoints with visibility 0 or 2,
 * oriented boxes as four corners, a classification as its top class. Classes are matched by name;
 * a prediction of a class the dataset does not have is left out, as is a shape too small to keep.
 */
export function labelsFromPredictions(
  predictions: RunnerPrediction[],
  shape: [number, number],
  target: LabelTarget,
): ImageLabel[] {
  const [height, width] = shape;
  const classOf = classLookup(target.classNames);
  const labels: ImageLabel[] = [];
  for (const prediction of predictions) {
    const classId = classOf(prediction.name);
    if (classId === undefined) continue;
    if (target.task === "classify") return [{ classId }];
    const label = geometry(prediction, width, height, target.task);
    if (label) labels.push({ classId, ...label });
  }
  return labels;
}

function classLookup(names: string[]) {
  const exact = new Map(names.map((name, id) => [name, id]));
  const loose = new Map(names.map((name, id) => [name.trim().toLowerCase(), id]));
  return (name: string) => exact.get(name) ?? loose.get(name.trim().toLowerCase());
}

function geometry(
  p: RunnerPrediction,
  width: number,
  height: number,
  task: string,
): Omit<ImageLabel, "classId"> | null {
  const box = p.box;
  if (!box) return null;
  if (task === "obb") {
    const corners = [box.x1, box.y1, box.x2, box.y2, box.x3, box.y3, box.x4, box.y4];
    if (corners.some((v) => v === undefined)) return null;
    const obb = corners.map((v, i) => round(unit(v! / (i % 2 === 0 ? width : height))));
    return { obb: obb as NonNullable<ImageLabel["obb"]> };
  }
  const bbox = normalisedBox(box, width, height);
  if (!bbox) return null;
  if (task === "segment") {
    const segments = polygon(p.segments, width, height);
    return segments ? { segments } : null;
  }
  if (task === "pose") {
    if (!p.keypoints) return null;
    const { x, y, visible } = p.keypoints;
    const keypoints = x.flatMap((px, i) => {
      const point = [round(unit(px / width)), round(unit(y[i]! / height))];
      return visible ? [...point, visible[i]! >= VISIBLE_FROM ? 2 : 0] : point;
    });
    return { bbox, keypoints };
  }
  return { bbox };
}

function normalisedBox(box: Record<string, number>, width: number, height: number) {
  const x1 = unit(box.x1! / width);
  const y1 = unit(box.y1! / height);
  const x2 = unit(box.x2! / width);
  const y2 = unit(box.y2! / height);
  const [w, h] = [round(x2 - x1), round(y2 - y1)];
  if (!(w > 0 && h > 0)) return null;
  return [round((x1 + x2) / 2), round((y1 + y2) / 2), w, h] as [number, number, number, number];
}

function polygon(segments: RunnerPrediction["segments"], width: number, height: number): number[] | null {
  if (!segments || segments.x.length < 3) return null;
  return segments.x.flatMap((px, i) => [round(unit(px / width)), round(unit(segments.y[i]! / height))]);
}

/** The keypoint shape a pose prediction has, `[count, 2 | 3]`, for a dataset that has none yet. */
export function kptShapeOf(predictions: RunnerPrediction[]): [number, number] | undefined {
  const keypoints = predictions.find((p) => p.keypoints)?.keypoints;
  return keypoints ? [keypoints.x.length, keypoints.visible ? 3 : 2] : undefined;
}
