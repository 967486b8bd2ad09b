/**
 * Agreement with Ultralytics on the golden fixtures, stage by stage and end to end, as
 * ../shared/fixtures/yolo/README.md prescribes: real sharp decoding, real ONNX Runtime, the
 * runner's own letterbox, decode and NMS.
 */
import { createHash } from "node:crypto";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../src/executors/predict/decode-image";
import { letterbox, letterboxGeometry, roundHalfEven, toTensorData } from "../src/executors/predict/letterbox";
import { LetterboxKernel } from "../src/executors/predict/letterbox-kernel";
import { decodeDetections, scaleToOriginal } from "../src/executors/predict/postprocess";
import { Predictor } from "../src/executors/predict/predictor";
import { fixtureBytes, fixtureImages, hasFixtures, match, rawOutput } from "./fixtures";
import { differencesFromReference } from "./letterbox-reference";

const CONFS = ["0.25", "0.001", "0.0001"] as const;

describe.skipIf(!hasFixtures)("predict agrees with Ultralytics on the fixture model", () => {
  const images = hasFixtures ? fixtureImages() : [];
  let predictor: Predictor;
  beforeAll(async () => {
    predictor = await Predictor.load(fixtureBytes("model.onnx"));
  });

  it("rounds like Python and computes ultralytics' letterbox geometry", () => {
    expect([roundHalfEven(360.5), roundHalfEven(361.5), roundHalfEven(414.7), roundHalfEven(2.5)]).toEqual([
      360, 362, 415, 2,
    ]);
    for (const image of images) {
      const [h, w] = image.orig_shape;
      const g = letterboxGeometry(w, h, 640);
      expect([g.resizedWidth, g.resizedHeight], image.file).toEqual(image.letterbox.resized_wh);
      expect([g.padLeft, g.padTop], image.file).toEqual(image.letterbox.pad_ltrb.slice(0, 2));
      expect([g.unscaleX, g.unscaleY], image.file).toEqual(image.letterbox.unscale_pad_xy);
    }
  });

  it("letterboxes every PNG to the exact bytes ultralytics fed the model", async () => {
    for (const image of images.filter((i) => i.format === "png")) {
      const decoded = await decodeImage(fixtureBytes(image.file));
      const { picture } = letterbox(decoded, 640);
      const digest = createHash("sha256").update(picture.data).digest("hex");
      expect(digest, image.file).toBe(image.letterbox.input_rgb_uint8_sha256);
    }
  });

  it("letterboxes straight into the tensor without changing a single value, in a fresh or a reused kernel", async () => {
    // The reused kernel holds the previous picture's values, so a border it forgot to grey would show.
    const reused = new LetterboxKernel();
    for (const image of images) {
      const decoded = await decodeImage(fixtureBytes(image.file));
      for (const [label, kernel] of [
        ["fresh", new LetterboxKernel()],
        ["reused", reused],
      ] as const) {
        expect(differencesFromReference(kernel, decoded, 640), `${image.file} ${label}`).toBe(0);
      }
    }
  });

  it("runs the model to the raw output ultralytics recorded", async () => {
    for (const image of images.filter((i) => i.format === "png").slice(0, 3)) {
      const { picture } = letterbox(await decodeImage(fixtureBytes(image.file)), 640);
      const { data } = await predictor.run(new ort.Tensor("float32", toTensorData(picture), [1, 3, 640, 640]));
      const expected = rawOutput(image);
      let boxDiff = 0;
      let scoreDiff = 0;
      for (let i = 0; i < expected.length; i++) {
        const diff = Math.abs(data[i]! - expected[i]!);
        if (i < 4 * 8400) boxDiff = Math.max(boxDiff, diff);
        else scoreDiff = Math.max(scoreDiff, diff);
      }
      expect(boxDiff, image.file).toBeLessThanOrEqual(1e-2);
      expect(scoreDiff, image.file).toBeLessThanOrEqual(1e-4);
    }
  });

  it("decodes the raw outputs to exactly ultralytics' boxes at conf 0.25, 0.001 and 0.0001", () => {
    for (const image of images) {
      const [h, w] = image.orig_shape;
      const geometry = letterboxGeometry(w, h, 640);
      for (const conf of CONFS) {
        const expected = image.predictions[`conf_${conf}`]!;
        const ours = scaleToOriginal(
          decodeDetections(rawOutput(image), 3, { conf: Number(conf), iou: 0.7, maxDet: 300 }),
          geometry,
          w,
          h,
        );
        const label = `${image.file} @${conf}`;
        expect(ours.length, label).toBe(expected.count);
        expected.boxes.forEach((box, i) => {
          const mine = ours[i]!;
          expect(mine.classId, label).toBe(box.cls);
          expect(Math.abs(mine.confidence - box.conf), label).toBeLessThanOrEqual(1e-3);
          for (const [k, value] of [mine.x1, mine.y1, mine.x2, mine.y2].entries())
            expect(Math.abs(value - box.xyxy[k]!), label).toBeLessThanOrEqual(1e-3);
        });
      }
    }
  });

  it("agrees end to end from the picture files (count, class, IoU >= 0.99, confidence within 0.005)", async () => {
    for (const image of images) {
      const prediction = await predictor.predictBytes(fixtureBytes(image.file), { conf: 0.25 });
      const expected = image.predictions["conf_0.25"]!;
      const ours = prediction.detections.map((d) => ({
        xyxy: [d.x1, d.y1, d.x2, d.y2],
        conf: d.confidence,
        cls: d.classId,
      }));
      expect(prediction.shape, image.file).toEqual(image.orig_shape);
      expect(ours.length, image.file).toBe(expected.count);
      for (const { box, ours: mine, iou } of match(expected.boxes, ours)) {
        expect(mine, `${image.file}: unmatched ${box.name} ${box.conf}`).toBeDefined();
        expect(iou, image.file).toBeGreaterThanOrEqual(0.99);
        expect(Math.abs(mine!.conf - box.conf), image.file).toBeLessThanOrEqual(0.005);
      }
      // At 0.001, every box >= 0.01 on either side is matched (IoU >= 0.98, conf within 0.01).
      const low = await predictor.predictBytes(fixtureBytes(image.file), { conf: 0.001 });
      const lowOurs = low.detections.map((d) => ({
        xyxy: [d.x1, d.y1, d.x2, d.y2],
        conf: d.confidence,
        cls: d.classId,
      }));
      const strongTheirs = image.predictions["conf_0.001"]!.boxes.filter((b) => b.conf >= 0.01);
      for (const { box, ours: mine, iou } of match(strongTheirs, lowOurs)) {
        expect(mine, `${image.file}@0.001: unmatched ${box.name} ${box.conf}`).toBeDefined();
        expect(iou).toBeGreaterThanOrEqual(0.98);
        expect(Math.abs(mine!.conf - box.conf)).toBeLessThanOrEqual(0.01);
      }
      expect(lowOurs.filter((b) => b.conf >= 0.01).length, image.file).toBe(strongTheirs.length);
    }
  });

  it("predicts several pictures at once on one model, each as it would alone", async () => {
    // Each call's input tensor lives in its letterbox kernel's memory: no call may write into another's.
    const pictures = images.map((image) => fixtureBytes(image.file));
    const alone: unknown[] = [];
    for (const bytes of pictures) alone.push((await predictor.predictBytes(bytes, { conf: 0.001 })).detections);
    const together = await Promise.all(pictures.map((bytes) => predictor.predictBytes(bytes, { conf: 0.001 })));
    together.forEach((prediction, i) => expect(prediction.detections, images[i]!.file).toEqual(alone[i]));
  });

  it("reads the class names and input size from the model's metadata", () => {
    expect(predictor.info).toMatchObject({
      imgsz: 640,
      task: "detect",
      names: ["red_rectangle", "green_ellipse", "blue_triangle"],
    });
  });

  it("refuses bytes that are not a picture", async () => {
    await expect(decodeImage(new TextEncoder().encode("not a picture"))).rejects.toThrow(
      /Could not decode the picture/,
    );
  });
});

if (!hasFixtures) console.warn("[runner] ../shared/fixtures/yolo is absent: predict agreement tests skipped");
