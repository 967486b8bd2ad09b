/**
 * Ultralytics' oriented-box (OBB) post-processing: the raw [1, 4 + nc + 1, n] output holds per
 * candidate the centre, width, height, the class scores and the angle (radians). As
 * ops.non_max_suppression(rotated=True): the candidates above conf (float32) in descending
 * confidence, centres shifted by class x 7680, then the rotated "fast" NMS: a box is dropped when
 * its probabilistic IoU (ops.batch_probiou) with ANY higher-scored candidate is >= iou, kept or not.
 * Then ops.regularize_rboxes, scale_boxes(xywh=True) and the four corners (xywhr2xyxyxyxy).
 */
import type { LetterboxGeometry } from "./letterbox";
import { selectCandidates, type NmsOptions } from "./postprocess";

export interface OrientedBox {
  /** Centre, size and angle in the original picture's pixels, regularised (angle in [0, pi/2)). */
  xywhr: [number, number, number, number, number];
  /** The corners x1, y1 ... x4, y4. */
  corners: [number, number, number, number, number, number, number, number];
  confidence: number;
  classId: number;
}

const f = Math.fround;
const CLASS_OFFSET = 7680;
const EPS = f(1e-7);
const PI = f(Math.PI);

type Rbox = [number, number, number, number, number];

/** The covariance terms of a rotated box as a Gaussian (ops._get_covariance_matrix), float32. */
function covariance([, , w, h, r]: Rbox): [number, number, number] {
  const a = f(f(w * w) / 12);
  const b = f(f(h * h) / 12);
  const cos = f(Math.cos(r));
  const sin = f(Math.sin(r));
  const cos2 = f(cos * cos);
  const sin2 = f(sin * sin);
  return [f(f(a * cos2) + f(b * sin2)), f(f(a * sin2) + f(b * cos2)), f(f(f(a - b) * cos) * sin)];
}

/** ops.batch_probiou for one pair: 1 - the Hellinger distance of the two boxes' Gaussians. */
export function probiou(one: Rbox, two: Rbox): number {
  const [x1, y1] = one;
  const [x2, y2] = two;
  const [a1, b1, c1] = covariance(one);
  const [a2, b2, c2] = covariance(two);
  const a = f(a1 + a2);
  const b = f(b1 + b2);
  const c = f(c1 + c2);
  const denominator = f(f(f(a * b) - f(c * c)) + EPS);
  const dy = f(y1 - y2);
  const dx = f(x1 - x2);
  const t1 = f(f(f(f(a * f(dy * dy)) + f(b * f(dx * dx))) / denominator) * 0.25);
  const t2 = f(f(f(f(c * f(x2 - x1)) * dy) / denominator) * 0.5);
  const det1 = Math.max(f(f(a1 * b1) - f(c1 * c1)), 0);
  const det2 = Math.max(f(f(a2 * b2) - f(c2 * c2)), 0);
  const t3 = f(f(Math.log(f(f(f(f(a * b) - f(c * c)) / f(f(4 * f(Math.sqrt(f(det1 * det2)))) + EPS)) + EPS))) * 0.5);
  const bd = Math.min(Math.max(f(f(t1 + t2) + t3), EPS), 100);
  const hd = f(Math.sqrt(f(f(1 - f(Math.exp(-bd))) + EPS)));
  return f(1 - hd);
}

/** torch.remainder in float32: the result takes the divisor's sign. */
function remainder(value: number, divisor: number): number {
  return f(value - f(Math.floor(f(value / divisor)) * divisor));
}

/** ops.regularize_rboxes: width the side along the angle, the angle in [0, pi/2). */
function regularize([x, y, w, h, r]: Rbox): Rbox {
  const swap = remainder(r, PI) >= f(PI / 2);
  return [x, y, swap ? h : w, swap ? w : h, remainder(r, f(PI / 2))];
}

/** ops.xywhr2xyxyxyxy. */
function cornersOf([x, y, w, h, r]: Rbox): OrientedBox["corners"] {
  const cos = f(Math.cos(r));
  const sin = f(Math.sin(r));
  const v1x = f(f(w / 2) * cos);
  const v1y = f(f(w / 2) * sin);
  const v2x = f(f(-h / 2) * sin);
  const v2y = f(f(h / 2) * cos);
  return [
    f(f(x + v1x) + v2x),
    f(f(y + v1y) + v2y),
    f(f(x + v1x) - v2x),
    f(f(y + v1y) - v2y),
    f(f(x - v1x) - v2x),
    f(f(y - v1y) - v2y),
    f(f(x - v1x) + v2x),
    f(f(y - v1y) + v2y),
  ];
}

export function decodeOriented(
  output: Float32Array,
  classCount: number,
  options: NmsOptions,
): { box: Rbox; confidence: number; classId: number }[] {
  const rows = 4 + classCount + 1;
  const n = output.length / rows;
  const candidates = selectCandidates(output, classCount, rows, options.conf);
  const boxes = candidates.map(
    ({ index: i }): Rbox => [
      output[i]!,
      output[n + i]!,
      output[2 * n + i]!,
      output[3 * n + i]!,
      output[(rows - 1) * n + i]!,
    ],
  );
  const shifted = boxes.map(
    ([x, y, w, h, r], k): Rbox => [
      f(x + candidates[k]!.classId * CLASS_OFFSET),
      f(y + candidates[k]!.classId * CLASS_OFFSET),
      w,
      h,
      r,
    ],
  );
  const threshold = f(options.iou);
  const kept: number[] = [];
  for (let b = 0; b < shifted.length && kept.length < options.maxDet; b++) {
    let dropped = false;
    for (let a = 0; a < b && !dropped; a++) dropped = probiou(shifted[a]!, shifted[b]!) >= threshold;
    if (!dropped) kept.push(b);
  }
  return kept.map((k) => ({ box: boxes[k]!, confidence: candidates[k]!.score, classId: candidates[k]!.classId }));
}

/** To the original picture: regularised, the rounded letterbox pad off the centre, / gain (not clipped). */
export function scaleOriented(
  decoded: { box: Rbox; confidence: number; classId: number }[],
  geometry: LetterboxGeometry,
): OrientedBox[] {
  const gain = f(geometry.scale);
  return decoded.map(({ box, confidence, classId }) => {
    const [x, y, w, h, r] = regularize(box);
    const xywhr: Rbox = [
      f(f(x - geometry.unscaleX) / gain),
      f(f(y - geometry.unscaleY) / gain),
      f(w / gain),
      f(h / gain),
      r,
    ];
    return { xywhr, corners: cornersOf(xywhr), confidence, classId };
  });
}
