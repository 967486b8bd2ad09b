/**
 * Ultralytics' detect post-processing, reproduced exactly (ops.non_max_suppression + scale_boxes):
 * confidence = best class score (first index on ties), kept when strictly above conf in float32,
 * corners in float32, class-aware greedy NMS (boxes shifted by class x 7680) with IoU > iou
 * dropping, at most maxDet survivors in descending confidence, then mapped back to the picture.
 */
import type { LetterboxGeometry } from "./letterbox";

export interface Detection {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  confidence: number;
  classId: number;
  /** The head's extra values for this box (pose keypoints), when it has them. */
  extras?: Float32Array;
}

export interface NmsOptions {
  conf: number;
  iou: number;
  maxDet: number;
}

const CLASS_OFFSET = 7680;
const f = Math.fround;

/** A candidate above the confidence threshold: its column in the output, best class and score. */
export interface Candidate {
  index: number;
  score: number;
  classId: number;
}

/**
 * The candidates whose best class score is strictly above `conf` (float32), in descending
 * confidence; `rows` is the output's row count (4 box rows, the class rows, any extra rows).
 */
export function selectCandidates(output: Float32Array, classCount: number, rows: number, conf: number): Candidate[] {
  const n = output.length / rows;
  const threshold = f(conf);
  const candidates: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    let best = output[4 * n + i]!;
    let classId = 0;
    for (let c = 1; c < classCount; c++) {
      const score = output[(4 + c) * n + i]!;
      if (score > best) {
        best = score;
        classId = c;
      }
    }
    if (best > threshold) candidates.push({ index: i, score: best, classId });
  }
  // Stable: equal confidences keep candidate order, as torch's sort did here.
  return candidates.sort((a, b) => b.score - a.score);
}

/** The rows after the class scores of one candidate (pose keypoints, an OBB angle). */
export function extraRowsOf(output: Float32Array, rows: number, firstExtraRow: number, index: number): Float32Array {
  const n = output.length / rows;
  return Float32Array.from({ length: rows - firstExtraRow }, (_, r) => output[(firstExtraRow + r) * n + index]!);
}

/**
 * `output` is the raw [1, 4 + nc + extra, n] tensor, row-major: row k of candidate i at k * n + i.
 * `extraRows` (pose keypoints) ride along with each kept box in `extras`.
 */
export function decodeDetections(
  output: Float32Array,
  classCount: number,
  options: NmsOptions,
  extraRows = 0,
): Detection[] {
  const rows = 4 + classCount + extraRows;
  const n = output.length / rows;
  const candidates = selectCandidates(output, classCount, rows, options.conf);

  const count = candidates.length;
  const boxes = new Float32Array(count * 4);
  const areas = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    const { index: i, classId } = candidates[k]!;
    const cx = output[i]!;
    const cy = output[n + i]!;
    const hw = f(output[2 * n + i]! / 2);
    const hh = f(output[3 * n + i]! / 2);
    const shift = classId * CLASS_OFFSET;
    boxes[k * 4] = f(f(cx - hw) + shift);
    boxes[k * 4 + 1] = f(f(cy - hh) + shift);
    boxes[k * 4 + 2] = f(f(cx + hw) + shift);
    boxes[k * 4 + 3] = f(f(cy + hh) + shift);
    areas[k] = f(f(boxes[k * 4 + 2]! - boxes[k * 4]!) * f(boxes[k * 4 + 3]! - boxes[k * 4 + 1]!));
  }

  const kept: number[] = [];
  const suppressed = new Uint8Array(count);
  const iouLimit = f(options.iou);
  for (let a = 0; a < count && kept.length < options.maxDet; a++) {
    if (suppressed[a]) continue;
    kept.push(a);
    const ax1 = boxes[a * 4]!,
      ay1 = boxes[a * 4 + 1]!,
      ax2 = boxes[a * 4 + 2]!,
      ay2 = boxes[a * 4 + 3]!;
    for (let b = a + 1; b < count; b++) {
      if (suppressed[b]) continue;
      const w = f(Math.min(ax2, boxes[b * 4 + 2]!) - Math.max(ax1, boxes[b * 4]!));
      if (w <= 0) continue;
      const h = f(Math.min(ay2, boxes[b * 4 + 3]!) - Math.max(ay1, boxes[b * 4 + 1]!));
      if (h <= 0) continue;
      const inter = f(w * h);
      if (f(inter / f(f(areas[a]! + areas[b]!) - inter)) > iouLimit) suppressed[b] = 1;
    }
  }

  return kept.map((k) => {
    const { index: i, score, classId } = candidates[k]!;
    const hw = f(output[2 * n + i]! / 2);
    const hh = f(output[3 * n + i]! / 2);
    const detection: Detection = {
      x1: f(output[i]! - hw),
      y1: f(output[n + i]! - hh),
      x2: f(output[i]! + hw),
      y2: f(output[n + i]! + hh),
      confidence: score,
      classId,
    };
    if (extraRows) detection.extras = extraRowsOf(output, rows, 4 + classCount, i);
    return detection;
  });
}

/** Letterbox pixels -> original picture pixels, with ultralytics' own offsets, clipped to the picture. */
export function scaleToOriginal(
  detections: Detection[],
  geometry: LetterboxGeometry,
  width: number,
  height: number,
): Detection[] {
  const clip = (value: number, max: number) => Math.min(Math.max(value, 0), max);
  return detections.map((d) => ({
    ...d,
    x1: clip(f(f(d.x1 - geometry.unscaleX) / f(geometry.scale)), width),
    y1: clip(f(f(d.y1 - geometry.unscaleY) / f(geometry.scale)), height),
    x2: clip(f(f(d.x2 - geometry.unscaleX) / f(geometry.scale)), width),
    y2: clip(f(f(d.y2 - geometry.unscaleY) / f(geometry.scale)), height),
  }));
}
