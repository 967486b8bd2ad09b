import { describe, expect, it } from "vitest";
import type { ImageLabel } from "../../src/db/schema";
import { classIdsOf, labelProblem, type LabelRules } from "../../src/services/labels";

const detect: LabelRules = { task: "detect", classCount: 2 };
const segment: LabelRules = { task: "segment", classCount: 2 };
const pose: LabelRules = { task: "pose", classCount: 1, kptShape: [2, 3] };
const obb: LabelRules = { task: "obb", classCount: 1 };
const classify: LabelRules = { task: "classify", classCount: 3 };

describe("label validation", () => {
  it("accepts a valid label of every task", () => {
    expect(labelProblem([{ classId: 1, bbox: [0.5, 0.5, 0.2, 0.3] }], detect)).toBeUndefined();
    expect(labelProblem([{ classId: 0, segments: [0.1, 0.2, 0.3, 0.2, 0.2, 0.4] }], segment)).toBeUndefined();
    expect(
      labelProblem([{ classId: 0, bbox: [0.5, 0.5, 0.4, 0.4], keypoints: [0.4, 0.4, 2, 0, 0, 0] }], pose),
    ).toBeUndefined();
    expect(labelProblem([{ classId: 0, obb: [0.1, 0.1, 0.3, 0.1, 0.3, 0.2, 0.1, 0.2] }], obb)).toBeUndefined();
    expect(labelProblem([{ classId: 2 }], classify)).toBeUndefined();
    expect(labelProblem([], detect)).toBeUndefined();
  });

  it("names the label and the field of the first problem", () => {
    const cases: [LabelRules, unknown, RegExp][] = [
      [detect, { classId: 0, bbox: [0.5, 1.2, 0.1, 0.1] }, /^labels\[1\]\.bbox\[1\]: 1.2 is outside \[0, 1\]/],
      [detect, { classId: 0, bbox: [0.5, 0.5, 0, 0.1] }, /^labels\[1\]\.bbox: width and height must be positive/],
      [detect, { classId: 0, bbox: [0.5, 0.5, 0.1] }, /^labels\[1\]\.bbox: must be \[x_center/],
      [detect, { classId: 2, bbox: [0.5, 0.5, 0.1, 0.1] }, /^labels\[1\]\.classId: 2 is not a class/],
      [detect, { classId: 0 }, /^labels\[1\]\.bbox: a detect label needs it/],
      [detect, { classId: 0, bbox: [0.5, 0.5, 0.1, 0.1], obb: [0, 0, 0, 0, 0, 0, 0, 0] }, /obb: a detect dataset/],
      [detect, { classId: 0, bbox: [Number.NaN, 0.5, 0.1, 0.1] }, /bbox\[0\]: NaN is outside/],
      [segment, { classId: 0, segments: [0.1, 0.2, 0.3, 0.2, 0.2] }, /segments: must be flat/],
      [segment, { classId: 0, segments: [0.1, 0.2, 0.3, 0.2] }, /segments: a polygon needs at least 3 points/],
      [segment, { classId: 0, segments: [0.1, 0.2, 0.3, 0.2, 0.2, -0.1] }, /segments\[5\]: -0.1 is outside/],
      [pose, { classId: 0, bbox: [0.5, 0.5, 0.4, 0.4], keypoints: [0.4, 0.4, 2] }, /must hold 2 keypoints of 3/],
      [
        pose,
        { classId: 0, bbox: [0.5, 0.5, 0.4, 0.4], keypoints: [0.4, 0.4, 3, 0, 0, 0] },
        /\[2\]: 3 is outside the visibilities/,
      ],
      [pose, { classId: 0, keypoints: [0.4, 0.4, 2, 0, 0, 0] }, /bbox: a pose label needs the box/],
      [{ ...pose, kptShape: null }, { classId: 0, keypoints: [0.4, 0.4, 2, 0, 0, 0] }, /no kpt_shape/],
      [obb, { classId: 0, obb: [0.1, 0.1, 0.3, 0.1, 0.3, 0.2] }, /obb: must be four corners/],
      [classify, { classId: 0, bbox: [0.5, 0.5, 0.1, 0.1] }, /bbox: a classify dataset's labels do not carry bbox/],
      [{ task: "semantic", classCount: 2 }, { classId: 0 }, /a semantic dataset holds no per-object labels/],
    ];
    for (const [rules, bad, expected] of cases) {
      const good: ImageLabel | undefined =
        rules.task === "detect" ? { classId: 0, bbox: [0.5, 0.5, 0.1, 0.1] } : undefined;
      const labels = [good ?? (bad as never), bad as never];
      const problem = labelProblem(labels, rules);
      expect(problem, JSON.stringify(bad)).toMatch(expected);
    }
  });

  it("lists the distinct classes of some labels, ascending", () => {
    expect(classIdsOf([{ classId: 3 }, { classId: 1 }, { classId: 3 }])).toEqual([1, 3]);
  });
});
