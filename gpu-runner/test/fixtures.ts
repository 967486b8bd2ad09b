/** The golden YOLO fixtures of ../shared/fixtures/yolo, read in place (never copied into the project). */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const FIXTURES = path.resolve(import.meta.dirname, "../../../shared/fixtures/yolo");
export const hasFixtures = existsSync(path.join(FIXTURES, "model.onnx"));

export interface FixtureBox {
  xyxy: [number, number, number, number];
  conf: number;
  cls: number;
  name: string;
}

export interface FixtureImage {
  file: string;
  format: string;
  orig_shape: [number, number];
  letterbox: {
    scale: number;
    resized_wh: [number, number];
    pad_ltrb: [number, number, number, number];
    unscale_pad_xy: [number, number];
    input_rgb_uint8_sha256: string;
    input_png?: string;
  };
  raw_output: { file: string; shape: number[] };
  predictions: Record<string, { count: number; boxes: FixtureBox[] }>;
}

export function fixtureImages(): FixtureImage[] {
  return (JSON.parse(readFileSync(path.join(FIXTURES, "predictions.json"), "utf8")) as { images: FixtureImage[] })
    .images;
}

export function fixtureBytes(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES, relative)));
}

export function rawOutput(image: FixtureImage): Float32Array {
  const bytes = readFileSync(path.join(FIXTURES, image.raw_output.file));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function iou(a: number[], b: number[]): number {
  const w = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const h = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = w * h;
  return inter / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter);
}

export interface OurBox {
  xyxy: number[];
  conf: number;
  cls: number;
}

/** Matches each Ultralytics box to an unused one of ours of the same class, highest IoU first. */
export function match(theirs: FixtureBox[], ours: OurBox[]) {
  const used = new Set<number>();
  return theirs.map((box) => {
    let best = -1;
    let bestIou = -1;
    ours.forEach((candidate, index) => {
      if (used.has(index) || candidate.cls !== box.cls) return;
      const overlap = iou(box.xyxy, candidate.xyxy);
      if (overlap > bestIou) {
        bestIou = overlap;
        best = index;
      }
    });
    if (best >= 0) used.add(best);
    return { box, ours: best >= 0 ? ours[best] : undefined, iou: bestIou };
  });
}
