/**
 * Ultralytics' segment head (ultralytics 8.4: ops.process_mask with upsample, crop_mask,
 * masks2segments with strategy "all", converter.merge_multi_segment, Masks.xy):
 * each kept box's mask coefficients times the prototypes give mask logits at prototype
 * resolution; they are cropped to the box, upsampled to the input size with torch's bilinear
 * (align_corners=False) and thresholded at 0. A box whose mask is empty is dropped. The mask's
 * outer contours (OpenCV's, see contours.ts), joined into one polygon, are mapped back to the
 * picture like keypoints. gpu-runner/test/segment.json holds the reference this reproduces.
 */
import { findExternalContours } from "./contours";
import { pictureCoordinates, roundHalfEven, type LetterboxGeometry } from "./letterbox";
import type { Detection } from "./postprocess";

export interface Segment {
  x: number[];
  y: number[];
}

/** The prototype output: [nm, height, width] values, row-major. */
export interface Prototypes {
  data: Float32Array;
  count: number;
  height: number;
  width: number;
}

const f = Math.fround;

/** Crops at most this many masks one by one with rounded edges, as crop_mask does on CPU; more, with exact edges. */
const ROUNDED_CROP_BELOW = 50;

/**
 * One mask at input resolution (size x size), kept as the window that holds every set pixel:
 * `bits` is that window, row-major, 1 where set.
 */
export interface Mask {
  bits: Uint8Array;
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The masks of `detections` (boxes in letterbox pixels, `extras` holding the mask
 * coefficients), `size` square. Null for a box whose mask has no pixel set.
 */
export function processMasks(detections: Detection[], prototypes: Prototypes, size: number): (Mask | null)[] {
  const rounded = detections.length < ROUNDED_CROP_BELOW;
  const ys = upsampleTaps(prototypes.height, size);
  const xs = upsampleTaps(prototypes.width, size);
  return detections.map((detection) => {
    const crop = cropRectangle(detection, prototypes, size, rounded);
    if (crop.x0 >= crop.x1 || crop.y0 >= crop.y1) return null;
    return upsample(croppedLogits(detection.extras!, prototypes, crop), prototypes.width, crop, ys, xs);
  });
}

/** Prototype pixels [x0, x1) x [y0, y1): what crop_mask keeps of a mask. */
interface Rectangle {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * crop_mask's kept rectangle. Few masks: the box scaled to prototype pixels, rounded half to
 * even, used as Python slice bounds (a negative bound counts from the end, as
 * `masks[i, :y1] = 0` does). Many: x1 <= column < x2 on the unrounded box.
 */
function cropRectangle(detection: Detection, { height, width }: Prototypes, size: number, rounded: boolean): Rectangle {
  const ratioX = f(width / size);
  const ratioY = f(height / size);
  const [x1, y1, x2, y2] = [
    f(detection.x1 * ratioX),
    f(detection.y1 * ratioY),
    f(detection.x2 * ratioX),
    f(detection.y2 * ratioY),
  ];
  if (rounded) {
    const bound = (value: number, length: number) => {
      const index = roundHalfEven(value); // torch.round().int(): halves to even
      return index < 0 ? Math.max(0, length + index) : Math.min(index, length);
    };
    return { x0: bound(x1, width), x1: bound(x2, width), y0: bound(y1, height), y1: bound(y2, height) };
  }
  const bound = (value: number, length: number) => Math.min(Math.max(Math.ceil(value), 0), length);
  return { x0: bound(x1, width), x1: bound(x2, width), y0: bound(y1, height), y1: bound(y2, height) };
}

/** masks_in @ protos inside the crop (float32 per pixel), zero outside it. */
function croppedLogits(
  coefficients: Float32Array,
  { data, count, height, width }: Prototypes,
  crop: Rectangle,
): Float32Array {
  const plane = height * width;
  const logits = new Float32Array(plane);
  for (let r = crop.y0; r < crop.y1; r++) {
    for (let c = crop.x0; c < crop.x1; c++) {
      const p = r * width + c;
      let sum = 0;
      for (let k = 0; k < count; k++) sum += coefficients[k]! * data[k * plane + p]!;
      logits[p] = sum;
    }
  }
  return logits;
}

/** torch's upsample_bilinear2d (align_corners=False) source taps and weights for one axis, in float32. */
function upsampleTaps(input: number, output: number) {
  const scale = f(input / output);
  const index0 = new Int32Array(output);
  const index1 = new Int32Array(output);
  const weight0 = new Float32Array(output);
  const weight1 = new Float32Array(output);
  for (let d = 0; d < output; d++) {
    const real = Math.max(0, f(f(scale * f(d + 0.5)) - 0.5));
    const i0 = Math.floor(real);
    index0[d] = i0;
    index1[d] = i0 < input - 1 ? i0 + 1 : i0;
    weight1[d] = f(real - i0);
    weight0[d] = f(1 - weight1[d]!);
  }
  return { index0, index1, weight0, weight1 };
}

type Taps = ReturnType<typeof upsampleTaps>;

/** The output pixels [from, to) one of whose taps lies in [low, high): the rest read only zeros. */
function touching(taps: Taps, low: number, high: number): [number, number] {
  const inside = (d: number) =>
    (taps.index0[d]! >= low && taps.index0[d]! < high) || (taps.index1[d]! >= low && taps.index1[d]! < high);
  let from = 0;
  while (from < taps.index0.length && !inside(from)) from++;
  let to = taps.index0.length;
  while (to > from && !inside(to - 1)) to--;
  return [from, to];
}

/** The cropped logits upsampled to size x size and thresholded (> 0), computed only where a tap can be non-zero. */
function upsample(logits: Float32Array, width: number, crop: Rectangle, ys: Taps, xs: Taps): Mask | null {
  const [top, bottom] = touching(ys, crop.y0, crop.y1);
  const [left, right] = touching(xs, crop.x0, crop.x1);
  const mask: Mask = {
    bits: new Uint8Array((right - left) * (bottom - top)),
    left,
    top,
    width: right - left,
    height: bottom - top,
  };
  let set = false;
  for (let y = top; y < bottom; y++) {
    const row0 = ys.index0[y]! * width;
    const row1 = ys.index1[y]! * width;
    const h0 = ys.weight0[y]!;
    const h1 = ys.weight1[y]!;
    const out = (y - top) * mask.width - left;
    for (let x = left; x < right; x++) {
      const c0 = xs.index0[x]!;
      const c1 = xs.index1[x]!;
      const w0 = xs.weight0[x]!;
      const w1 = xs.weight1[x]!;
      const upper = f(f(logits[row0 + c0]! * w0) + f(logits[row0 + c1]! * w1));
      const lower = f(f(logits[row1 + c0]! * w0) + f(logits[row1 + c1]! * w1));
      if (f(f(upper * h0) + f(lower * h1)) > 0) {
        mask.bits[out + x] = 1;
        set = true;
      }
    }
  }
  return set ? mask : null;
}

/** masks2segments (strategy "all"): the mask's outer contours, joined into one polygon when there are several. */
export function maskPolygon(mask: Mask): Int32Array {
  // Everything outside the window is unset, so its contours are the mask's, shifted.
  const contours = findExternalContours(mask.bits, mask.width, mask.height).map((contour) => {
    const shifted = new Int32Array(contour.length);
    for (let i = 0; i < contour.length; i += 2) {
      shifted[i] = contour[i]! + mask.left;
      shifted[i + 1] = contour[i + 1]! + mask.top;
    }
    return shifted;
  });
  if (contours.length === 1) return contours[0]!;
  return concat(mergeMultiSegment(contours));
}

/**
 * converter.merge_multi_segment: joins polygons into one by the closest pair of points between
 * each neighbour pair, walking forward through them and back. Reproduced with its quirks (a
 * reversed middle polygon keeps its unreversed indexes).
 */
export function mergeMultiSegment(polygons: Int32Array[]): Int32Array[] {
  const segments = polygons.map((p) =>
    Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i]!, p[2 * i + 1]!] as [number, number]),
  );
  const indexes: number[][] = segments.map(() => []);
  for (let i = 1; i < segments.length; i++) {
    const [a, b] = closestPair(segments[i - 1]!, segments[i]!);
    indexes[i - 1]!.push(a);
    indexes[i]!.push(b);
  }
  const last = segments.length - 1;
  const out: [number, number][][] = [];
  for (let i = 0; i <= last; i++) {
    let idx = indexes[i]!;
    if (idx.length === 2 && idx[0]! > idx[1]!) {
      idx = [idx[1]!, idx[0]!];
      segments[i] = segments[i]!.slice().reverse();
    }
    const rolled = roll(segments[i]!, idx[0]!);
    segments[i] = [...rolled, rolled[0]!];
    if (i === 0 || i === last) out.push(segments[i]!);
    else out.push(segments[i]!.slice(0, idx[1]! - idx[0]! + 1));
  }
  for (let i = last; i >= 0; i--) {
    if (i === 0 || i === last) continue;
    const idx = indexes[i]!;
    out.push(segments[i]!.slice(Math.abs(idx[1]! - idx[0]!)));
  }
  return out.map((points) => Int32Array.from(points.flat()));
}

/** np.unravel_index(np.argmin(squared distances)): the first closest pair, row-major. */
function closestPair(a: [number, number][], b: [number, number][]): [number, number] {
  let best = Infinity;
  let pair: [number, number] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const dx = a[i]![0] - b[j]![0];
      const dy = a[i]![1] - b[j]![1];
      const distance = dx * dx + dy * dy;
      if (distance < best) {
        best = distance;
        pair = [i, j];
      }
    }
  }
  return pair;
}

/** np.roll(points, -shift, axis=0). */
function roll<T>(points: T[], shift: number): T[] {
  const k = ((shift % points.length) + points.length) % points.length;
  return [...points.slice(k), ...points.slice(0, k)];
}

function concat(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Masks.xy: polygon points from input pixels to picture pixels (scale_coords). */
export function scalePolygon(polygon: Int32Array, geometry: LetterboxGeometry, width: number, height: number): Segment {
  const toPicture = pictureCoordinates(geometry, width, height);
  const segment: Segment = { x: [], y: [] };
  for (let i = 0; i < polygon.length; i += 2) {
    segment.x.push(toPicture.x(polygon[i]!));
    segment.y.push(toPicture.y(polygon[i + 1]!));
  }
  return segment;
}
