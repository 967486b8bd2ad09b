/**
 * The segment head against real libraries' output: contours.json is what OpenCV 4.14's
 * findContours answered for 36 masks, segment.json what torch's F.interpolate and OpenCV made of
 * random prototypes, coefficients and boxes, through Ultralytics' process_mask, crop_mask,
 * masks2segments and merge_multi_segment as transcribed in reference/make-segment.py (Ultralytics
 * itself is not installed here, and the fixtures hold no segment model). Then the whole predictor
 * path on a tiny two-output ONNX model.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findExternalContours } from "../src/executors/predict/contours";
import { letterboxGeometry } from "../src/executors/predict/letterbox";
import { Predictor } from "../src/executors/predict/predictor";
import {
  maskPolygon,
  mergeMultiSegment,
  processMasks,
  scalePolygon,
  type Mask,
} from "../src/executors/predict/segment";
import { constantOutputModel } from "./onnx-writer";

const reference = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), "utf8")) as T;

describe("findExternalContours", () => {
  it("answers OpenCV's contours point for point, in OpenCV's order", () => {
    const { cases } = reference<{ cases: { width: number; height: number; rows: string[]; contours: number[][] }[] }>(
      "contours.json",
    );
    expect(cases.length).toBe(36);
    for (const [k, c] of cases.entries()) {
      const mask = Uint8Array.from(c.rows.join(""), (bit) => (bit === "1" ? 1 : 0));
      expect(
        findExternalContours(mask, c.width, c.height).map((contour) => [...contour]),
        `case ${k}: ${c.rows.join("/")}`,
      ).toEqual(c.contours);
    }
  });
});

interface SegmentCase {
  size: number;
  original: [number, number];
  prototypes: { count: number; height: number; width: number; data: number[] };
  boxes: number[][];
  coefficients: number[][];
  keep: boolean[];
  masks: string[];
  segments: { x: number[]; y: number[] }[];
}

/** A mask's bit at input pixel (x, y): 0 outside its window. */
function bitAt(mask: Mask, x: number, y: number): number {
  const [wx, wy] = [x - mask.left, y - mask.top];
  return wx >= 0 && wy >= 0 && wx < mask.width && wy < mask.height ? mask.bits[wy * mask.width + wx]! : 0;
}

/** The case's boxes (with their coefficients) through processMasks. */
function masksOf(c: SegmentCase) {
  const prototypes = { ...c.prototypes, data: Float32Array.from(c.prototypes.data) };
  const boxes = c.boxes.map(([x1, y1, x2, y2], i) => ({
    x1: x1!,
    y1: y1!,
    x2: x2!,
    y2: y2!,
    confidence: 1,
    classId: 0,
    extras: Float32Array.from(c.coefficients[i]!),
  }));
  return processMasks(boxes, prototypes, c.size);
}

describe("segment masks", () => {
  const { cases } = reference<{ cases: SegmentCase[] }>("segment.json");

  it("crops, upsamples and thresholds every mask to torch's bits, and drops the empty ones", () => {
    let compared = 0;
    for (const c of cases) {
      const masks = masksOf(c);
      expect(masks.map((m) => m !== null)).toEqual(c.keep);
      for (const [k, mask] of masks.filter((m) => m !== null).entries()) {
        const expected = Buffer.from(c.masks[k]!, "hex");
        let differing = 0;
        for (let p = 0; p < c.size * c.size; p++)
          if (((expected[p >> 3]! >> (7 - (p & 7))) & 1) !== bitAt(mask, p % c.size, Math.floor(p / c.size)))
            differing++;
        expect(differing, `mask ${k} of ${c.boxes.length}`).toBe(0);
        compared++;
      }
    }
    // Both crop_mask paths: fewer than 50 masks (rounded edges) and more (exact edges).
    expect(cases.some((c) => c.boxes.length >= 50) && cases.some((c) => c.boxes.length < 50)).toBe(true);
    expect(compared).toBe(63);
  });

  it("turns each mask into Ultralytics' polygon in picture pixels, merging several outlines into one", () => {
    let merged = 0;
    for (const c of cases) {
      const masks = masksOf(c).filter((m) => m !== null);
      const geometry = letterboxGeometry(c.original[1], c.original[0], c.size);
      for (const [k, mask] of masks.entries()) {
        if (findExternalContours(mask.bits, mask.width, mask.height).length > 1) merged++;
        expect(scalePolygon(maskPolygon(mask), geometry, c.original[1], c.original[0]), `segment ${k}`).toEqual(
          c.segments[k],
        );
      }
    }
    expect(merged).toBeGreaterThanOrEqual(10);
  });

  it("merges outlines at their closest points, walking the middle ones there and back", () => {
    // Three squares in a row. The closest pairs (first found, row-major, as np.argmin) are
    // first[2]-middle[1] and middle[2]-last[0]. Expected: what the transcribed Python answers.
    const first = Int32Array.of(0, 0, 0, 2, 2, 2, 2, 0);
    const middle = Int32Array.of(5, 0, 5, 2, 7, 2, 7, 0);
    const last = Int32Array.of(10, 0, 10, 2, 12, 2, 12, 0);
    expect(mergeMultiSegment([first, middle, last]).map((p) => [...p])).toEqual([
      [2, 2, 2, 0, 0, 0, 0, 2, 2, 2], // first, rolled to its closest point, closed
      [5, 2, 7, 2], // middle from its entry to its exit
      [10, 2, 12, 2, 12, 0, 10, 0, 10, 2], // last, from its closest point, closed
      [7, 2, 7, 0, 5, 0, 5, 2], // back through the rest of the middle
    ]);
  });
});

describe("segment predictor", () => {
  it("answers boxes with their polygons from a two-output model, dropping a box whose mask is empty", async () => {
    // 64 x 64 input, 16 x 16 prototypes: prototype 0 is +1 on prototype pixels 4..11 (both axes), -1 elsewhere.
    const prototypes = new Float32Array(4 * 16 * 16);
    for (let r = 0; r < 16; r++)
      for (let c = 0; c < 16; c++) prototypes[r * 16 + c] = r >= 4 && r <= 11 && c >= 4 && c <= 11 ? 1 : -1;
    // Columns: cx, cy, w, h, score, 4 coefficients. The second box sits where prototype 0 is -1.
    const columns = [
      [32, 32, 40, 40, 0.9, 1, 0, 0, 0],
      [5, 5, 6, 6, 0.8, 1, 0, 0, 0],
    ];
    const output = new Float32Array(9 * 2);
    columns.forEach((column, i) => column.forEach((value, row) => (output[row * 2 + i] = value)));
    const model = constantOutputModel({
      imgsz: 64,
      output,
      outputShape: [1, 9, 2],
      more: [{ output: prototypes, shape: [1, 4, 16, 16] }],
      metadata: { task: "segment", names: "{0: 'thing'}", imgsz: "[64, 64]" },
    });
    const predictor = await Predictor.load(model);
    // A 64 x 48 picture: gain 1, 8 rows of padding above.
    const picture = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(90) };
    const { detections } = await predictor.predictImage(picture);
    await predictor.close();
    expect(detections).toHaveLength(1);
    expect(detections[0]).toMatchObject({ x1: 12, y1: 4, x2: 52, y2: 44, classId: 0, confidence: Math.fround(0.9) });
    // The +1 square upsamples to input pixels 16..47 with its corner pixels cut (there the
    // bilinear mix of one +1 and three -1 is negative), then 8 rows up into the picture. The
    // expected polygon is what torch + OpenCV + the transcribed post-processing answer.
    expect(detections[0]!.segments).toEqual({ x: [17, 16, 16, 17, 46, 47, 47, 46], y: [8, 9, 38, 39, 39, 38, 9, 8] });
  });

  it("refuses a segment model without its prototypes output", async () => {
    const model = constantOutputModel({
      imgsz: 64,
      output: new Float32Array(9),
      outputShape: [1, 9, 1],
      metadata: { task: "segment", names: "{0: 'a'}", imgsz: "[64, 64]" },
    });
    await expect(Predictor.load(model)).rejects.toThrow(/prototypes/);
  });
});
