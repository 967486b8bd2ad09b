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

const PAD = 114;
const BITS = 11;
const ONE = 1 << BITS; // 2048

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
  return { x: (value: number) => clip(f(f(value - padX) / gain), width), y: (value: number) => clip(f(f(value - padY) / gain), height) };
}

/** Per output coordinate: the source index and the two fixed-point weights (OpenCV's resize tables). */
function taps(source: number, target: number, clampWeights: boolean) {
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
  const xs = taps(sw, width, true);
  const ys = taps(sh, height, false);
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
  const resized = geometry.resizedWidth === image.width && geometry.resizedHeight === image.height ? image : resizeBilinear(image, geometry.resizedWidth, geometry.resizedHeight);
  const data = new Uint8Array(size * size * 3).fill(PAD);
  for (let y = 0; y < resized.height; y++) {
    const from = y * resized.width * 3;
    data.set(resized.data.subarray(from, from + resized.width * 3), ((y + geometry.padTop) * size + geometry.padLeft) * 3);
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

/** value / 255 as float32, for every byte, as the float's bits: integer stores skip a double -> float conversion per value. */
const UNIT_BITS = new Uint32Array(Float32Array.from({ length: 256 }, (_, value) => value / 255).buffer);

/** Grey in the border of each plane; the picture's area is left to be written. */
function fillBorder(bits: Uint32Array, size: number, area: { left: number; top: number; width: number; height: number }): void {
  const grey = UNIT_BITS[PAD]!;
  const plane = size * size;
  const right = area.left + area.width;
  for (let channel = 0; channel < 3; channel++) {
    const start = channel * plane;
    bits.fill(grey, start, start + area.top * size);
    bits.fill(grey, start + (area.top + area.height) * size, start + plane);
    if (area.width === size) continue;
    for (let y = area.top; y < area.top + area.height; y++) {
      const row = start + y * size;
      bits.fill(grey, row, row + area.left);
      bits.fill(grey, row + right, row + size);
    }
  }
}

/**
 * letterbox + toTensorData in one pass, straight into the CHW float32 tensor: the same numbers
 * (tests hold it to the byte-exact path), without the intermediate pictures. The hot path of predict.
 */
export function letterboxTensor(image: RgbImage, size: number, into?: Float32Array): { tensor: Float32Array; geometry: LetterboxGeometry } {
  const geometry = letterboxGeometry(image.width, image.height, size);
  const { resizedWidth: width, resizedHeight: height, padLeft, padTop } = geometry;
  const plane = size * size;
  // A fresh 4.9 MB buffer costs more than writing a reused one (2.3 vs 0.15 ms measured).
  const tensor = into?.length === plane * 3 ? into : new Float32Array(plane * 3);
  const bits = new Uint32Array(tensor.buffer, tensor.byteOffset, tensor.length);
  fillBorder(bits, size, { left: padLeft, top: padTop, width, height });
  const green = plane;
  const blue = 2 * plane;
  const { data, width: sw, height: sh } = image;

  if (width === sw && height === sh) {
    for (let y = 0; y < height; y++) {
      let source = y * sw * 3;
      let target = (y + padTop) * size + padLeft;
      const end = target + width;
      for (; target < end; source += 3, target++) {
        bits[target] = UNIT_BITS[data[source]!]!;
        bits[target + green] = UNIT_BITS[data[source + 1]!]!;
        bits[target + blue] = UNIT_BITS[data[source + 2]!]!;
      }
    }
    return { tensor, geometry };
  }

  const xs = taps(sw, width, true);
  const ys = taps(sh, height, false);
  // Per output column: the two source pixels' byte offsets and weights. A column clamped to
  // the last pixel reads it twice with weights (2048, 0): the same sum, no branch.
  const offset0 = new Int32Array(width);
  const offset1 = new Int32Array(width);
  const weight0 = new Int32Array(width);
  const weight1 = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    const last = xs.index[x]! >= sw - 1;
    offset0[x] = xs.index[x]! * 3;
    offset1[x] = last ? offset0[x]! : offset0[x]! + 3;
    weight0[x] = last ? ONE : xs.w0[x]!;
    weight1[x] = last ? 0 : xs.w1[x]!;
  }
  // Two rows of the horizontal pass, reused as the vertical pass walks down.
  let row0 = new Int32Array(width * 3);
  let row1 = new Int32Array(width * 3);
  let have0 = -1;
  let have1 = -1;
  const horizontal = (row: number, out: Int32Array) => {
    const base = row * sw * 3;
    for (let x = 0, o = 0; x < width; x++, o += 3) {
      const p0 = base + offset0[x]!;
      const p1 = base + offset1[x]!;
      const a0 = weight0[x]!;
      const a1 = weight1[x]!;
      out[o] = data[p0]! * a0 + data[p1]! * a1;
      out[o + 1] = data[p0 + 1]! * a0 + data[p1 + 1]! * a1;
      out[o + 2] = data[p0 + 2]! * a0 + data[p1 + 2]! * a1;
    }
  };
  const clampRow = (row: number) => Math.min(Math.max(row, 0), sh - 1);
  for (let y = 0; y < height; y++) {
    const s0 = clampRow(ys.index[y]!);
    const s1 = clampRow(ys.index[y]! + 1);
    if (have0 !== s0) {
      if (have1 === s0) {
        [row0, row1] = [row1, row0];
        [have0, have1] = [have1, have0];
      } else {
        horizontal(s0, row0);
        have0 = s0;
      }
    }
    if (have1 !== s1) {
      horizontal(s1, row1);
      have1 = s1;
    }
    const b0 = ys.w0[y]!;
    const b1 = ys.w1[y]!;
    const r0 = row0;
    const r1 = row1;
    let target = (y + padTop) * size + padLeft;
    const end = width * 3;
    // OpenCV's vectorised rounding, not the textbook (D0*b0 + D1*b1 + 2^21) >> 22.
    for (let o = 0; o < end; o += 3, target++) {
      bits[target] = UNIT_BITS[clamp255(((((r0[o]! >> 4) * b0) >> 16) + (((r1[o]! >> 4) * b1) >> 16) + 2) >> 2)]!;
      bits[target + green] = UNIT_BITS[clamp255(((((r0[o + 1]! >> 4) * b0) >> 16) + (((r1[o + 1]! >> 4) * b1) >> 16) + 2) >> 2)]!;
      bits[target + blue] = UNIT_BITS[clamp255(((((r0[o + 2]! >> 4) * b0) >> 16) + (((r1[o + 2]! >> 4) * b1) >> 16) + 2) >> 2)]!;
    }
  }
  return { tensor, geometry };
}

function clamp255(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}
