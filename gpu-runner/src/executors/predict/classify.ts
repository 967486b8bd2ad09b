/**
 * Ultralytics' classify preprocessing for ONNX models (classify_transforms): torchvision's
 * Resize(imgsz) on a PIL picture (the shorter side to imgsz, PIL's antialiased bilinear
 * resample, reproduced from Pillow's Resample.c with its 22-bit fixed point), CenterCrop(imgsz)
 * with Python's rounding, then ToTensor (/255, CHW). The exported model ends in a softmax; the
 * answer is the top-1 class, as ultralytics' Results.summary gives it.
 */
import { roundHalfEven, type RgbImage } from "./letterbox";

const PRECISION_BITS = 32 - 8 - 2;

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear (triangle) filter. */
function coefficients(inSize: number, outSize: number) {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale;
  const kSize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * kSize);
  const row = new Float64Array(kSize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const min = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - min;
    let total = 0;
    for (let x = 0; x < count; x++) {
      const distance = Math.abs((x + min - center + 0.5) / filterScale);
      row[x] = distance < 1 ? 1 - distance : 0;
      total += row[x]!;
    }
    for (let x = 0; x < count; x++) {
      const w = total !== 0 ? row[x]! / total : row[x]!;
      weights[xx * kSize + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = min;
    bounds[xx * 2 + 1] = count;
  }
  return { bounds, weights, kSize };
}

function clip8(value: number): number {
  const shifted = value >> PRECISION_BITS;
  return shifted < 0 ? 0 : shifted > 255 ? 255 : shifted;
}

/** PIL's Image.resize(size, BILINEAR) of an RGB picture: horizontal pass first, then vertical. */
export function resizePil(image: RgbImage, width: number, height: number): RgbImage {
  let current = image;
  const vertical = coefficients(image.height, height);
  if (width !== image.width) {
    // Only the rows the vertical pass reads, as Pillow does.
    const first = vertical.bounds[0]!;
    const last = vertical.bounds[(height - 1) * 2]! + vertical.bounds[(height - 1) * 2 + 1]!;
    const { bounds, weights, kSize } = coefficients(image.width, width);
    const data = new Uint8Array(width * (last - first) * 3);
    for (let y = 0; y < last - first; y++) {
      const source = (y + first) * image.width * 3;
      for (let xx = 0; xx < width; xx++) {
        const min = bounds[xx * 2]!;
        const count = bounds[xx * 2 + 1]!;
        let r = 1 << (PRECISION_BITS - 1);
        let g = r;
        let b = r;
        for (let x = 0; x < count; x++) {
          const k = weights[xx * kSize + x]!;
          const p = source + (x + min) * 3;
          r += image.data[p]! * k;
          g += image.data[p + 1]! * k;
          b += image.data[p + 2]! * k;
        }
        const o = (y * width + xx) * 3;
        data[o] = clip8(r);
        data[o + 1] = clip8(g);
        data[o + 2] = clip8(b);
      }
    }
    for (let yy = 0; yy < height; yy++) vertical.bounds[yy * 2] = vertical.bounds[yy * 2]! - first;
    current = { width, height: last - first, data };
  }
  if (height === image.height && current.height === height) return current;
  const { bounds, weights, kSize } = vertical;
  const data = new Uint8Array(width * height * 3);
  for (let yy = 0; yy < height; yy++) {
    const min = bounds[yy * 2]!;
    const count = bounds[yy * 2 + 1]!;
    for (let i = 0; i < width * 3; i++) {
      let sum = 1 << (PRECISION_BITS - 1);
      for (let y = 0; y < count; y++) sum += current.data[(y + min) * width * 3 + i]! * weights[yy * kSize + y]!;
      data[yy * width * 3 + i] = clip8(sum);
    }
  }
  return { width, height, data };
}

/** torchvision Resize(size) on a PIL picture: the shorter side becomes `size`, the longer one truncated. */
export function shorterSideSize(width: number, height: number, size: number): [number, number] {
  return width <= height ? [size, Math.trunc((size * height) / width)] : [Math.trunc((size * width) / height), size];
}

/** Resize + CenterCrop + ToTensor: the [3, size, size] float32 input. */
export function classifyTensor(image: RgbImage, size: number): Float32Array {
  const [width, height] = shorterSideSize(image.width, image.height, size);
  const resized = width === image.width && height === image.height ? image : resizePil(image, width, height);
  const top = roundHalfEven((height - size) / 2);
  const left = roundHalfEven((width - size) / 2);
  const plane = size * size;
  const tensor = new Float32Array(plane * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = ((y + top) * width + (x + left)) * 3;
      const o = y * size + x;
      tensor[o] = resized.data[p]! / 255;
      tensor[plane + o] = resized.data[p + 1]! / 255;
      tensor[2 * plane + o] = resized.data[p + 2]! / 255;
    }
  }
  return tensor;
}

/** The top-1 class of the model's probabilities (the first on ties, as torch's argmax). */
export function topClass(probabilities: Float32Array): { classId: number; confidence: number } {
  let classId = 0;
  for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[classId]!) classId = c;
  return { classId, confidence: probabilities[classId]! };
}
