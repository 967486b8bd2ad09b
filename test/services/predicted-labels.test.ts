import { describe, expect, it } from "vitest";
import { kptShapeOf, labelsFromPredictions } from "../../src/services/predicted-labels";

const shape: [number, number] = [100, 200];

describe("labelsFromPredictions", () => {
  it("writes oriented boxes as four normalised corners", () => {
    const box = { x1: 20, y1: 10, x2: 60, y2: 10, x3: 60, y3: 50, x4: 20, y4: 150 };
    const labels = labelsFromPredictions([{ class: 0, name: "ship", confidence: 0.9, box }], shape, {
      task: "obb",
      classNames: ["ship"],
    });
    expect(labels).toEqual([{ classId: 0, obb: [0.1, 0.1, 0.3, 0.1, 0.3, 0.5, 0.1, 1] }]);
  });

  it("keeps a classification's top class, matched by name whatever its case", () => {
    const predictions = [
      { class: 3, name: "Tabby", confidence: 0.7 },
      { class: 1, name: "dog", confidence: 0.2 },
    ];
    const labels = labelsFromPredictions(predictions, shape, { task: "classify", classNames: ["dog", "tabby"] });
    expect(labels).toEqual([{ classId: 1 }]);
  });

  it("leaves out boxes with no area inside the picture and masks of fewer than three points", () => {
    const outside = { class: 0, name: "a", confidence: 0.9, box: { x1: 210, y1: 0, x2: 260, y2: 50 } };
    const thin = {
      class: 0,
      name: "a",
      confidence: 0.9,
      box: { x1: 0, y1: 0, x2: 10, y2: 10 },
      segments: { x: [0, 10], y: [0, 10] },
    };
    expect(labelsFromPredictions([outside], shape, { task: "detect", classNames: ["a"] })).toEqual([]);
    expect(labelsFromPredictions([thin], shape, { task: "segment", classNames: ["a"] })).toEqual([]);
  });

  it("reads a pose model's keypoint shape from its predictions", () => {
    const keypoints = { x: [1, 2], y: [1, 2] };
    expect(kptShapeOf([{ class: 0, name: "p", confidence: 1, keypoints }])).toEqual([2, 2]);
    expect(kptShapeOf([])).toBeUndefined();
  });
});
