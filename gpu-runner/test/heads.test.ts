/**
 * The pose and OBB heads' post-processing on hand-made raw outputs, checked against what
 * ultralytics' ops compute for them (worked out by hand below); OBB also against torch on random
 * outputs (obb.json); classify's PIL resize against Pillow's own output (pil-resize.json). There
 * are no golden pose, OBB or classify models among the fixtures, so unlike detect these heads are
 * not compared with a real Ultralytics run.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyTensor, resizePil, shorterSideSize, topClass } from "../src/executors/predict/classify";
import { letterboxGeometry } from "../src/executors/predict/letterbox";
import { decodeOriented, probiou, scaleOriented } from "../src/executors/predict/obb";
import { parseKptShape, scaleKeypoints } from "../src/executors/predict/pose";
import { decodeDetections, scaleToOriginal } from "../src/executors/predict/postprocess";
import { Predictor } from "../src/executors/predict/predictor";
import { constantOutputModel } from "./onnx-writer";

/** A raw [1, rows, n] output from per-candidate columns. */
function rawOutput(columns: number[][]): Float32Array {
  const rows = columns[0]!.length;
  const n = columns.length;
  const output = new Float32Array(rows * n);
  columns.forEach((column, i) => column.forEach((value, row) => (output[row * n + i] = value)));
  return output;
}

const f = Math.fround;
const nms = { conf: 0.25, iou: 0.7, maxDet: 300 };

describe("pose head", () => {
  // A 320x240 picture at 640: gain 2, 80 px of padding above and below.
  const geometry = letterboxGeometry(320, 240, 640);

  it("keeps keypoints with their box through NMS and maps them back like scale_coords", () => {
    const output = rawOutput([
      // cx, cy, w, h, person, then 2 keypoints of (x, y, visibility)
      [320, 320, 100, 200, 0.9, 300, 280, 0.9, 340, 360, 0.3],
      [322, 321, 100, 200, 0.8, 0, 0, 1, 0, 0, 1], // overlaps the first: suppressed
      [100, 100, 20, 20, 0.1, 0, 0, 1, 0, 0, 1], // below conf
      [600, 500, 40, 40, 0.5, 700, 90, 0.7, 620, 500, 0.5], // a keypoint beyond the picture
    ]);
    const boxes = scaleToOriginal(decodeDetections(output, 1, nms, 6), geometry, 320, 240);
    expect(boxes.map((b) => [b.x1, b.y1, b.x2, b.y2, b.confidence])).toEqual([
      [135, 70, 185, 170, f(0.9)],
      [290, 200, 310, 220, 0.5],
    ]);
    const [person, other] = boxes.map((box) => scaleKeypoints(box.extras!, [2, 3], geometry, 320, 240));
    // (300 - 0) / 2, (280 - 80) / 2; the second is not visible (< 0.5): put at (0, 0) as ultralytics does.
    expect(person).toEqual({ x: [150, 0], y: [100, 0], visible: [f(0.9), f(0.3)] });
    // x 700 / 2 = 350 is clipped to the picture's width; y (90 - 80) / 2 = 5; visibility 0.5 is visible.
    expect(other).toEqual({ x: [320, 310], y: [5, 210], visible: [f(0.7), 0.5] });
  });

  it("reads kpt_shape from the metadata and refuses shapes it cannot decode", () => {
    expect(parseKptShape("[17, 3]")).toEqual([17, 3]);
    expect(parseKptShape("[4, 2]")).toEqual([4, 2]);
    expect(parseKptShape("[17, 4]")).toBeUndefined();
    expect(parseKptShape(undefined)).toBeUndefined();
    expect(scaleKeypoints(new Float32Array([10, 90]), [1, 2], geometry, 320, 240)).toEqual({ x: [5], y: [5] });
  });
});

describe("OBB head", () => {
  const box = (x: number, y: number, w: number, h: number, r: number): [number, number, number, number, number] => [
    x,
    y,
    w,
    h,
    r,
  ];

  it("computes ultralytics' probabilistic IoU", () => {
    // Identical boxes: 1 - sqrt(1 - exp(-eps) + eps), a hair under 1.
    expect(probiou(box(50, 50, 40, 20, 0.3), box(50, 50, 40, 20, 0.3))).toBeCloseTo(1, 3);
    expect(probiou(box(50, 50, 40, 20, 0), box(500, 500, 40, 20, 0))).toBeLessThan(1e-3);
    // A box and itself turned a quarter turn with width and height swapped are the same Gaussian.
    expect(probiou(box(50, 50, 40, 20, 0), box(50, 50, 20, 40, Math.PI / 2))).toBeCloseTo(1, 3);
    const near = probiou(box(50, 50, 40, 20, 0), box(54, 50, 40, 20, 0));
    expect(near).toBeGreaterThan(0.7);
    expect(near).toBeLessThan(1);
  });

  it("drops a box overlapping any higher-scored one, kept or not (ultralytics' fast rotated NMS), class-aware", () => {
    const output = rawOutput([
      // cx, cy, w, h, class 0, class 1, angle
      [100, 100, 40, 20, 0.9, 0, 0], // A
      [108, 100, 40, 20, 0.8, 0, 0], // B: overlaps A (probiou 0.76), dropped
      [116, 100, 40, 20, 0.7, 0, 0], // C: overlaps B (0.76), not A (0.54): greedy NMS would keep it, fast NMS drops it
      [100, 100, 40, 20, 0, 0.6, 0], // the same place as A, another class: kept
    ]);
    expect(probiou(box(100, 100, 40, 20, 0), box(116, 100, 40, 20, 0))).toBeLessThan(0.7);
    expect(probiou(box(108, 100, 40, 20, 0), box(116, 100, 40, 20, 0))).toBeGreaterThanOrEqual(0.7);
    const kept = decodeOriented(output, 2, nms);
    expect(kept.map((k) => [k.classId, k.confidence])).toEqual([
      [0, f(0.9)],
      [1, f(0.6)],
    ]);
  });

  it("regularises the angle, maps the centre and size back, and gives the four corners", () => {
    // 320x240 at 640: gain 2, centre offsets (0, 80).
    const geometry = letterboxGeometry(320, 240, 640);
    const [flat] = scaleOriented([{ box: box(200, 280, 80, 40, 0), confidence: 0.9, classId: 0 }], geometry);
    expect(flat!.xywhr).toEqual([100, 100, 40, 20, 0]);
    expect(flat!.corners).toEqual([120, 110, 120, 90, 80, 90, 80, 110]);
    // Taller than wide at pi/2 + 0.25: width and height swap, the angle becomes 0.25 (mod pi/2).
    const [turned] = scaleOriented(
      [{ box: box(200, 280, 40, 80, Math.PI / 2 + 0.25), confidence: 0.9, classId: 0 }],
      geometry,
    );
    expect(turned!.xywhr[2]).toBe(40);
    expect(turned!.xywhr[3]).toBe(20);
    expect(turned!.xywhr[4]).toBeCloseTo(0.25, 5);
    // A negative angle lands in [0, pi/2) too (torch.remainder takes the divisor's sign).
    const [negative] = scaleOriented([{ box: box(200, 280, 80, 40, -0.25), confidence: 0.9, classId: 0 }], geometry);
    expect(negative!.xywhr[4]).toBeCloseTo(Math.PI / 2 - 0.25, 5);
    expect(negative!.xywhr.slice(2, 4)).toEqual([20, 40]);
  });
});

describe("the predictor on pose and OBB models", () => {
  // A 64x48 picture at 64: gain 1, 8 px of padding above and below.
  const picture = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(90) };

  it("answers boxes with keypoints for a pose model", async () => {
    const output = rawOutput([
      [32, 32, 20, 16, 0.9, 30, 28, 0.9, 40, 60, 0.2],
      [10, 20, 4, 4, 0.2, 0, 0, 1, 0, 0, 1],
    ]);
    const model = constantOutputModel({
      imgsz: 64,
      output,
      outputShape: [1, 11, 2],
      metadata: { task: "pose", names: "{0: 'person'}", imgsz: "[64, 64]", kpt_shape: "[2, 3]" },
    });
    const predictor = await Predictor.load(model);
    const { detections, orientedBoxes, shape } = await predictor.predictImage(picture);
    expect(shape).toEqual([48, 64]);
    expect(orientedBoxes).toEqual([]);
    expect(detections).toHaveLength(1);
    expect(detections[0]).toMatchObject({ x1: 22, y1: 16, x2: 42, y2: 32, classId: 0, confidence: f(0.9) });
    expect(detections[0]!.keypoints).toEqual({ x: [30, 0], y: [20, 0], visible: [f(0.9), f(0.2)] });
    await predictor.close();
  });

  it("answers oriented boxes for an OBB model, and refuses a pose model without kpt_shape", async () => {
    const output = rawOutput([[32, 32, 20, 10, 0.1, 0.8, 0]]);
    const model = constantOutputModel({
      imgsz: 64,
      output,
      outputShape: [1, 7, 1],
      metadata: { task: "obb", names: "{0: 'plane', 1: 'ship'}", imgsz: "[64, 64]" },
    });
    const predictor = await Predictor.load(model);
    const { detections, orientedBoxes } = await predictor.predictImage(picture);
    expect(detections).toEqual([]);
    expect(orientedBoxes).toEqual([
      { xywhr: [32, 24, 20, 10, 0], corners: [42, 29, 42, 19, 22, 19, 22, 29], confidence: f(0.8), classId: 1 },
    ]);
    await predictor.close();

    const noShape = constantOutputModel({
      imgsz: 64,
      output,
      outputShape: [1, 7, 1],
      metadata: { task: "pose", names: "{0: 'person'}", imgsz: "[64, 64]" },
    });
    await expect(Predictor.load(noShape)).rejects.toThrow(/kpt_shape/);
    const semantic = constantOutputModel({
      imgsz: 64,
      output,
      outputShape: [1, 7, 1],
      metadata: { task: "semantic", names: "{0: 'a'}", imgsz: "[64, 64]" },
    });
    await expect(Predictor.load(semantic)).rejects.toThrow(
      /detect, segment, pose, obb, classify models; the model's task is semantic/,
    );
  });
});

describe("OBB head against torch", () => {
  // obb.json: random raw outputs through Ultralytics' rotated post-processing as transcribed in
  // reference/make-obb.py and evaluated by torch in float32 (Ultralytics itself is not installed here).
  const { cases } = JSON.parse(readFileSync(new URL("./obb.json", import.meta.url), "utf8")) as {
    cases: {
      classCount: number;
      conf: number;
      iou: number;
      original: [number, number];
      raw: number[];
      expected: { xywhr: number[]; corners: number[]; confidence: number; classId: number }[];
    }[];
  };

  it("keeps the same boxes in the same order, with values equal to float32 rounding", () => {
    expect(cases.map((c) => c.expected.length)).toEqual([23, 43, 8, 52]);
    for (const [k, c] of cases.entries()) {
      const geometry = letterboxGeometry(c.original[1], c.original[0], 640);
      const boxes = scaleOriented(
        decodeOriented(Float32Array.from(c.raw), c.classCount, { conf: c.conf, iou: c.iou, maxDet: 300 }),
        geometry,
      );
      expect(
        boxes.map((b) => [b.classId, b.confidence]),
        `case ${k}`,
      ).toEqual(c.expected.map((e) => [e.classId, e.confidence]));
      // cos, sin, log and exp may differ in their last bit between torch's float32 and JS's
      // rounded doubles: one float32 step at these magnitudes (up to ~1300 px) is 1.2e-4.
      for (const [i, box] of boxes.entries()) {
        box.xywhr.forEach((value, j) =>
          expect(Math.abs(value - c.expected[i]!.xywhr[j]!), `case ${k} box ${i} xywhr[${j}]`).toBeLessThanOrEqual(
            1.25e-4,
          ),
        );
        box.corners.forEach((value, j) =>
          expect(Math.abs(value - c.expected[i]!.corners[j]!), `case ${k} box ${i} corner ${j}`).toBeLessThanOrEqual(
            1.25e-4,
          ),
        );
      }
    }
  });
});

describe("classify head", () => {
  it("resizes exactly like Pillow's BILINEAR (down, up, one axis at a time)", () => {
    const { cases } = JSON.parse(readFileSync(new URL("./pil-resize.json", import.meta.url), "utf8")) as {
      cases: { w: number; h: number; ow: number; oh: number; in: number[]; out: number[] }[];
    };
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const c of cases) {
      const resized = resizePil({ width: c.w, height: c.h, data: Uint8Array.from(c.in) }, c.ow, c.oh);
      expect([...resized.data], `${c.w}x${c.h} -> ${c.ow}x${c.oh}`).toEqual(c.out);
    }
  });

  it("resizes the shorter side, crops the centre with Python's rounding, and takes the top class", () => {
    expect(shorterSideSize(640, 480, 224)).toEqual([298, 224]);
    expect(shorterSideSize(480, 641, 224)).toEqual([224, 299]);
    // A 4x2 picture at 2: no resize needed for the height, the width crops round((4 - 2) / 2) = 1 from the left.
    const picture = { width: 4, height: 2, data: Uint8Array.from({ length: 24 }, (_, i) => i * 10) };
    const tensor = classifyTensor(picture, 2);
    expect(tensor.length).toBe(12);
    expect([...tensor.subarray(0, 4)]).toEqual([30, 60, 150, 180].map((v) => f(v / 255)));
    expect(topClass(new Float32Array([0.2, 0.5, 0.5, 0.1]))).toEqual({ classId: 1, confidence: 0.5 });
  });

  it("answers the top-1 class of a classify model", async () => {
    const model = constantOutputModel({
      imgsz: 32,
      output: new Float32Array([0.1, 0.7, 0.2]),
      outputShape: [1, 3],
      metadata: { task: "classify", names: "{0: 'cat', 1: 'dog', 2: 'bird'}", imgsz: "[32, 32]" },
    });
    const predictor = await Predictor.load(model);
    const prediction = await predictor.predictImage({
      width: 50,
      height: 40,
      data: new Uint8Array(50 * 40 * 3).fill(128),
    });
    expect(prediction).toMatchObject({
      shape: [40, 50],
      detections: [],
      orientedBoxes: [],
      classification: { classId: 1, confidence: f(0.7) },
    });
    await predictor.close();
  });
});
