/**
 * letterbox + toTensorData in one pass, straight into the model's CHW float32 tensor: the hot
 * path of predict. The resize's loops run as WebAssembly SIMD (letterbox.wat); this file lays
 * out their memory and walks the rows. The numbers are the byte-exact reference path's
 * (letterbox.ts), value for value: tests hold it to that.
 */
import { readFileSync } from "node:fs";
import {
  letterbox,
  letterboxGeometry,
  ONE,
  PAD,
  resizeTaps,
  toTensorData,
  type LetterboxGeometry,
  type RgbImage,
} from "./letterbox";

interface KernelExports {
  horizontal(source: number, taps: number, width: number, out: number, stride: number): void;
  vertical(
    row0: number,
    row1: number,
    stride: number,
    w0: number,
    w1: number,
    width: number,
    out: number,
    plane: number,
  ): void;
  convert(source: number, width: number, out: number, plane: number): void;
  halve(source: number, stride: number, width: number, out: number, plane: number): void;
}

// The project's types describe workerd's WebAssembly, which cannot compile bytes; Node's can.
const compile = WebAssembly.Module as unknown as new (bytes: Uint8Array) => WebAssembly.Module;
const kernelModule = new compile(readFileSync(new URL("./letterbox.wasm", import.meta.url)));
const PAGE = 65536;
/** The grey's float bits: borders are filled as integers. */
const GREY_BITS = new Uint32Array(new Float32Array([PAD / 255]).buffer)[0]!;

/**
 * One WebAssembly instance and its memory. The tensor it returns is a view of that memory, valid
 * until its next call: a kernel serves one picture at a time.
 */
export class LetterboxKernel {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly kernel = new WebAssembly.Instance(kernelModule, { env: { memory: this.memory } })
    .exports as unknown as KernelExports;
  /** The picture layout whose border the tensor memory holds grey. */
  private greyedLayout = "";

  /** Bytes of memory held (WebAssembly memory never shrinks). */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  letterbox(image: RgbImage, size: number): { tensor: Float32Array; geometry: LetterboxGeometry } {
    const geometry = letterboxGeometry(image.width, image.height, size);
    const { resizedWidth: width, resizedHeight: height } = geometry;
    // Narrower than one SIMD step of 4 columns (a picture hundreds of times taller than wide): the reference path.
    if (width < 4) return { tensor: toTensorData(letterbox(image, size).picture), geometry };

    const plane = size * size;
    const unresized = width === image.width && height === image.height;
    // Memory: tensor | taps (32 bytes per column) | two horizontal rows (3 planes each) | source + slack.
    const tapsAt = align(plane * 3 * 4);
    const rowBytes = width * 3 * 4;
    const rowsAt = align(tapsAt + width * 32);
    const sourceAt = align(rowsAt + 2 * rowBytes);
    this.reserve(sourceAt + image.data.length + 8);
    const buffer = this.memory.buffer;
    const outAt = (y: number) => ((y + geometry.padTop) * size + geometry.padLeft) * 4;
    const stride = image.width * 3;
    if (unresized && width >= 16) {
      new Uint8Array(buffer, sourceAt, image.data.length).set(image.data);
      for (let y = 0; y < height; y++) this.kernel.convert(sourceAt + y * stride, width, outAt(y), plane);
    } else if (image.width === 2 * width && image.height === 2 * height && width >= 8) {
      new Uint8Array(buffer, sourceAt, image.data.length).set(image.data);
      for (let y = 0; y < height; y++) this.kernel.halve(sourceAt + 2 * y * stride, stride, width, outAt(y), plane);
    } else {
      this.resize(image, geometry, { tapsAt, rowsAt, rowBytes, sourceAt, outAt, plane });
    }
    // The kernel writes only the picture's area: a border greyed for the same layout last time is still grey.
    const layout = `${size} ${geometry.padLeft} ${geometry.padTop} ${width} ${height}`;
    if (layout !== this.greyedLayout) {
      fillBorder(new Uint32Array(buffer, 0, plane * 3), size, {
        left: geometry.padLeft,
        top: geometry.padTop,
        width,
        height,
      });
      this.greyedLayout = layout;
    }
    return { tensor: new Float32Array(buffer, 0, plane * 3), geometry };
  }

  /** OpenCV's two passes: each source row the output needs through the column taps, then pairs of them blended per output row. */
  private resize(
    image: RgbImage,
    geometry: LetterboxGeometry,
    at: {
      tapsAt: number;
      rowsAt: number;
      rowBytes: number;
      sourceAt: number;
      outAt: (y: number) => number;
      plane: number;
    },
  ): void {
    const { resizedWidth: width, resizedHeight: height } = geometry;
    writeColumnTaps(this.memory.buffer, at.tapsAt, image.width, width);
    const rows = resizeTaps(image.height, height, false);
    const clampRow = (row: number) => Math.min(Math.max(row, 0), image.height - 1);
    // Only the source rows the output reads are copied into memory, and a lower row weighted 0
    // (it adds its values times 0) is neither copied nor computed: a 4000x3000 photo at 640
    // reads 960 of its 3000 rows, a 1920x1080 picture 360 of 1080.
    const lowerRow = (y: number) => (rows.w1[y] ? clampRow(rows.index[y]! + 1) : -1);
    this.copyRows(image, at.sourceAt, height, (y) => clampRow(rows.index[y]!), lowerRow);
    const sourceRow = (row: number) => at.sourceAt + row * image.width * 3;
    // The two horizontal rows, reused as the vertical pass walks down.
    let slot0 = at.rowsAt;
    let slot1 = at.rowsAt + at.rowBytes;
    let have0 = -1;
    let have1 = -1;
    for (let y = 0; y < height; y++) {
      const s0 = sourceRow(clampRow(rows.index[y]!));
      if (have0 !== s0) {
        if (have1 === s0) {
          [slot0, slot1] = [slot1, slot0];
          [have0, have1] = [have1, have0];
        } else {
          this.kernel.horizontal(s0, at.tapsAt, width, slot0, width);
          have0 = s0;
        }
      }
      const lower = lowerRow(y);
      // Weighted 0, the lower row is not computed: whatever slot1 holds counts for nothing.
      const s1 = lower < 0 ? have1 : sourceRow(lower);
      if (have1 !== s1) {
        this.kernel.horizontal(s1, at.tapsAt, width, slot1, width);
        have1 = s1;
      }
      this.kernel.vertical(slot0, slot1, width, rows.w0[y]!, rows.w1[y]!, width, at.outAt(y), at.plane);
    }
  }

  /** Copies the source rows the output reads into memory, consecutive rows in one copy. */
  private copyRows(
    image: RgbImage,
    sourceAt: number,
    height: number,
    upper: (y: number) => number,
    lower: (y: number) => number,
  ): void {
    const needed = new Uint8Array(image.height);
    for (let y = 0; y < height; y++) {
      needed[upper(y)] = 1;
      if (lower(y) >= 0) needed[lower(y)] = 1;
    }
    const stride = image.width * 3;
    const memory = new Uint8Array(this.memory.buffer);
    let row = 0;
    while (row < image.height) {
      if (!needed[row]) {
        row++;
        continue;
      }
      let end = row + 1;
      while (end < image.height && needed[end]) end++;
      memory.set(image.data.subarray(row * stride, end * stride), sourceAt + row * stride);
      row = end;
    }
  }

  private reserve(bytes: number): void {
    const missing = bytes - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE));
  }
}

/**
 * Per output column (letterbox.wat's tap layout): the byte offset of its left source pixel, and
 * the weights of that pixel and the next. A column clamped to the last pixel weighs it 2048 and
 * the next 0: the same sum, no branch.
 */
function writeColumnTaps(buffer: ArrayBuffer, at: number, sourceWidth: number, width: number): void {
  const columns = resizeTaps(sourceWidth, width, true);
  const offsets = new Int32Array(buffer, at, width * 8);
  const weights = new Int16Array(buffer, at, width * 16);
  for (let x = 0; x < width; x++) {
    const last = columns.index[x]! >= sourceWidth - 1;
    offsets[x * 8] = columns.index[x]! * 3;
    const w0 = last ? ONE : columns.w0[x]!;
    const w1 = last ? 0 : columns.w1[x]!;
    for (let pair = x * 16 + 8; pair < x * 16 + 14; pair += 2) {
      weights[pair] = w0;
      weights[pair + 1] = w1;
    }
    weights[x * 16 + 14] = weights[x * 16 + 15] = 0;
  }
}

/** Grey in the border of each plane; the picture's area is left as the kernel wrote it. */
function fillBorder(
  bits: Uint32Array,
  size: number,
  area: { left: number; top: number; width: number; height: number },
): void {
  const plane = size * size;
  const right = area.left + area.width;
  for (let channel = 0; channel < 3; channel++) {
    const start = channel * plane;
    bits.fill(GREY_BITS, start, start + area.top * size);
    bits.fill(GREY_BITS, start + (area.top + area.height) * size, start + plane);
    if (area.width === size) continue;
    for (let y = area.top; y < area.top + area.height; y++) {
      const row = start + y * size;
      bits.fill(GREY_BITS, row, row + area.left);
      bits.fill(GREY_BITS, row + right, row + size);
    }
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
