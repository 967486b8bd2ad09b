import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../src/executors/inspect/checkpoint";
import { fixtureBytes, hasFixtures } from "./fixtures";

describe.skipIf(!hasFixtures)("inspect reads a real Ultralytics checkpoint without Python", () => {
  it("finds task, class names, image size, parameter count, training args and metrics", () => {
    const info = readCheckpoint(fixtureBytes("model.pt"));
    expect(info).toMatchObject({
      task: "detect",
      classNames: ["red_rectangle", "green_ellipse", "blue_triangle"],
      imgsz: 256,
      parameters: 2_590_425,
      architecture: "yolo11n",
      version: "8.4.14",
      date: "2026-11-25T03:52:51.488Z",
      bestFitness: 0.97617,
    });
    expect(info.trainArgs).toMatchObject({ task: "detect", epochs: 40, batch: 16, optimizer: "AdamW", lr0: 0.003, cos_lr: true, data: "data.yaml" });
    expect(info.metrics).toMatchObject({ "metrics/mAP50(B)": 0.995, "metrics/mAP50-95(B)": 0.97617 });
    expect(info.trainResults).toHaveLength(40);
    expect(info.trainResults![39]).toMatchObject({ epoch: 40 });
    expect(Object.keys(info.trainResults![0]!.metrics)).toContain("train/box_loss");
    expect(info.bestEpoch).toBe(40);
  });

  it("refuses files that are not checkpoints with a clear error", () => {
    expect(() => readCheckpoint(new TextEncoder().encode("definitely not a zip"))).toThrow(/not a zip archive/);
    const truncated = fixtureBytes("model.pt").slice(0, 100_000);
    expect(() => readCheckpoint(truncated)).toThrow();
  });
});
