import { describe, expect, it } from "vitest";
import { configFromEnv } from "../src/config";

const base = { RUNNER_TOKEN: "t" };

describe("runner configuration", () => {
  it("pulls only the queues whose jobs it can run", () => {
    expect(configFromEnv(base, undefined).queues).toEqual(["predict-jobs", "cpu-jobs"]);
    expect(configFromEnv(base, "/usr/bin/yolo").queues).toEqual(["predict-jobs", "cpu-jobs", "cli-jobs"]);
    expect(configFromEnv({ ...base, GPU_TYPE: "rtx-4090" }, undefined).queues).toEqual(["predict-jobs", "cpu-jobs"]);
    expect(configFromEnv({ ...base, GPU_TYPE: "rtx-4090" }, "/usr/bin/yolo").queues).toEqual([
      "predict-jobs",
      "cpu-jobs",
      "cli-jobs",
      "gpu-jobs",
    ]);
  });

  it("refuses queues it could not serve, and unknown ones", () => {
    expect(() => configFromEnv({ ...base, RUNNER_QUEUES: "cli-jobs" }, undefined)).toThrow(/yolo CLI/);
    expect(() => configFromEnv({ ...base, RUNNER_QUEUES: "gpu-jobs" }, "/usr/bin/yolo")).toThrow(/GPU_TYPE/);
    expect(() => configFromEnv({ ...base, RUNNER_QUEUES: "train-jobs" }, "/usr/bin/yolo")).toThrow(
      /unknown queue train-jobs/,
    );
    expect(() => configFromEnv({}, undefined)).toThrow(/RUNNER_TOKEN/);
  });

  it("maps queue names to the ids Cloudflare's pull API knows them by", () => {
    const config = configFromEnv({ ...base, QUEUE_IDS: "cli-jobs=abc123, gpu-jobs=def456" }, "/usr/bin/yolo");
    expect(config.queueIds).toEqual({
      "gpu-jobs": "def456",
      "cli-jobs": "abc123",
      "cpu-jobs": "cpu-jobs",
      "predict-jobs": "predict-jobs",
    });
  });
});
