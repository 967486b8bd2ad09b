/**
 * Ultralytics' letterbox, reproduced exactly (ultralytics 8.4 LetterBox + cv2.resize INTER_LINEAR):
 * scale to fit `size` keeping the aspect ratio, round the new size with Python's round (ties to
 * even), resize with OpenCV's fixed-point bilinear recipe, pad with grey 114 centred (the odd
 * pixel right/bottom), then RGB, CHW, /255 as float32. See ../shared/fixtures/yolo/README.md.
 */

export interface RgbImage {
  width: number;
  height: number;
  /** Row-major HWC, 3 bytes a pixel, RGB. */
  data: Uint8Array;
}

export interface LetterboxGeometry {
  scale: number;
  resizedWidth: number;
  resizedHeight: number;
  padLeft: number;
  padTop: number;
  /** The offsets ultralytics subtracts when mapping boxes back (may differ by 1 from the pads). */
  unscaleX: number;
  unscaleY: number;
  /** The unrounded offsets scale_coords subtracts from keypoints: (size - w * gain) / 2. */
  exactPadX: number;
  exactPadY: number;
}

/** Ultralytics' grey. */
export const PAD = 114;
const BITS = 11;
export const ONE = 1 << BITS; // 2048

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function letterboxGeometry(width: number, height: number, size: number): LetterboxGeometry {
  const scale = Math.min(size / height, size / width);
  const resizedWidth = roundHalfEven(width * scale);
  const resizedHeight = roundHalfEven(height * scale);
  const dw = size - resizedWidth;
  const dh = size - resizedHeight;
  return {
    scale,
    resizedWidth,
    resizedHeight,
    padLeft: Math.floor(dw / 2),
    padTop: Math.floor(dh / 2),
    // scale_boxes: round((size - w * gain) / 2 - 0.1) from the unrounded size.
    unscaleX: roundHalfEven((size - width * scale) / 2 - 0.1),
    unscaleY: roundHalfEven((size - height * scale) / 2 - 0.1),
    exactPadX: (size - width * scale) / 2,
    exactPadY: (size - height * scale) / 2,
  };
}

/**
 * ops.scale_coords: input pixels -> picture pixels, the unrounded pad off, / gain, in float32,
 * clipped to the picture. For points (keypoints, mask outlines); boxes use the rounded offsets.
 */
export function pictureCoordinates(geometry: LetterboxGeometry, width: number, height: number) {
  const f = Math.fround;
  const padX = f(geometry.exactPadX);
  const padY = f(geometry.exactPadY);
  const gain = f(geometry.scale);
  const clip = (value: number, max: number) => Math.min(Math.max(value, 0), max);
  return {
    x: (value: number) => clip(f(f(value - padX) / gain), width),
    y: (value: number) => clip(f(f(value - padY) / gain), height),
  };
}

/** Per output coordinate: the source index and the two fixed-point weights (OpenCV's resize tables). */
export function resizeTaps(source: number, target: number, clampWeights: boolean) {
  const index = new Int32Array(target);
  const w0 = new Int32Array(target);
  const w1 = new Int32Array(target);
  const scale = 1 / (target / source);
  for (let d = 0; d < target; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    if (clampWeights) {
      if (s < 0) {
        s = 0;
        f = 0;
      }
      if (s >= source - 1) {
        s = source - 1;
        f = 0;
      }
    }
    index[d] = s;
    w0[d] = roundHalfEven(Math.fround(1 - f) * ONE);
    w1[d] = roundHalfEven(f * ONE);
  }
  return { index, w0, w1 };
}

/** cv2.resize(..., INTER_LINEAR) on a uint8 RGB picture, bit for bit. */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  const { width: sw, height: sh, data } = image;
  const xs = resizeTaps(sw, width, true);
  const ys = resizeTaps(sh, height, false);
  // Horizontal pass for every source row, kept as integers (source value x weights).
  const rowCache = new Map<number, Int32Array>();
  const horizontal = (row: number): Int32Array => {
    const clamped = Math.min(Math.max(row, 0), sh - 1);
    let out = rowCache.get(clamped);
    if (out) return out;
    out = new Int32Array(width * 3);
    const base = clamped * sw * 3;
    for (let x = 0; x < width; x++) {
      const s = xs.index[x]!;
      const a0 = xs.w0[x]!;
      const a1 = xs.w1[x]!;
      const p0 = base + s * 3;
      const p1 = s + 1 < sw ? p0 + 3 : p0;
      for (let c = 0; c < 3; c++) {
        // A column clamped to the last pixel is that pixel times 2048.
        out[x * 3 + c] = s >= sw - 1 ? data[p0 + c]! * ONE : data[p0 + c]! * a0 + data[p1 + c]! * a1;
      }
    }
    rowCache.set(clamped, out);
    if (rowCache.size > 4) rowCache.delete(rowCache.keys().next().value!);
    return out;
  };
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const s = ys.index[y]!;
    const b0 = ys.w0[y]!;
    const b1 = ys.w1[y]!;
    const d0 = horizontal(s);
    const d1 = horizontal(s + 1);
    const rowBase = y * width * 3;
    for (let i = 0; i < width * 3; i++) {
      // OpenCV's vectorised rounding, not the textbook (D0*b0 + D1*b1 + 2^21) >> 22.
      const value = ((((d0[i]! >> 4) * b0) >> 16) + (((d1[i]! >> 4) * b1) >> 16) + 2) >> 2;
      out[rowBase + i] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  return { width, height, data: out };
}

/** The padded size x size RGB picture the model sees, and its geometry. */
export function letterbox(image: RgbImage, size: number): { picture: RgbImage; geometry: LetterboxGeometry } {
  const geometry = letterboxGeometry(image.width, image.height, size);
  const resized =
    geometry.resizedWidth === image.width && geometry.resizedHeight === image.height
      ? image
      : resizeBilinear(image, geometry.resizedWidth, geometry.resizedHeight);
  const data = new Uint8Array(size * size * 3).fill(PAD);
  for (let y = 0; y < resized.height; y++) {
    const from = y * resized.width * 3;
    data.set(
      resized.data.subarray(from, from + resized.width * 3),
      ((y + geometry.padTop) * size + geometry.padLeft) * 3,
    );
  }
  return { picture: { width: size, height: size, data }, geometry };
}

/** HWC uint8 RGB -> CHW float32 /255: the model's input tensor data. */
export function toTensorData(picture: RgbImage): Float32Array {
  const plane = picture.width * picture.height;
  const tensor = new Float32Array(plane * 3);
  const { data } = picture;
  for (let i = 0; i < plane; i++) {
    tensor[i] = data[i * 3]! / 255;
    tensor[plane + i] = data[i * 3 + 1]! / 255;
    tensor[2 * plane + i] = data[i * 3 + 2]! / 255;
  }
  return tensor;
}
