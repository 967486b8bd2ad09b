import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type Claim } from "../src/api-client";
import { sandboxFromEnv, type RunnerConfig } from "../src/config";
import { INSPECT_CAPS } from "../src/executors/inspect/caps";
import { readCheckpoint } from "../src/executors/inspect/checkpoint";
import { inspectExecutor } from "../src/executors/inspect";
import { unpickle } from "../src/executors/inspect/pickle";
import type { JobContext } from "../src/executors/types";
import { FIXTURES, fixtureBytes, hasFixtures } from "./fixtures";
import { checkpointWith, deepPickle, memoChainPickle, zipBomb } from "./hostile-files";

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
    expect(info.trainArgs).toMatchObject({
      task: "detect",
      epochs: 40,
      batch: 16,
      optimizer: "AdamW",
      lr0: 0.003,
      cos_lr: true,
      data: "data.yaml",
    });
    expect(info.metrics).toMatchObject({ "metrics/mAP50(B)": 0.995, "metrics/mAP50-95(B)": 0.97617 });
    expect(info.trainResults).toHaveLength(40);
    expect(info.trainResults![39]).toMatchObject({ epoch: 40 });
    expect(Object.keys(info.trainResults![0]!.metrics)).toContain("train/box_loss");
    expect(info.bestEpoch).toBe(40);
  });

  it("refuses files that are not checkpoints, or are cut short, with a clear error", () => {
    expect(() => readCheckpoint(new TextEncoder().encode("definitely not a zip"))).toThrow(/not a zip archive/);
    const whole = fixtureBytes("model.pt");
    expect(() => readCheckpoint(whole.slice(0, 100_000))).toThrow(/not a zip archive/);
    // The central directory kept, the entries it points at cut away.
    const hollow = new Uint8Array([...whole.slice(0, 1000), ...whole.slice(whole.length - 4000)]);
    expect(() => readCheckpoint(hollow)).toThrow(/broken zip|truncated/);
  });
});

describe("inspect caps on hostile checkpoints", () => {
  it("stops a zip bomb at the inflated-bytes cap", () => {
    expect(() => readCheckpoint(zipBomb(100))).toThrow(/inspect cap on inflated bytes \(67,108,864\)/);
  });

  it("stops memo references that double at every level at the object-node cap", () => {
    expect(() => readCheckpoint(checkpointWith(memoChainPickle()))).toThrow(/inspect cap on object nodes/);
  });

  it("stops values nested 100,000 deep at the nesting-depth cap", () => {
    expect(() => readCheckpoint(checkpointWith(deepPickle()))).toThrow(/inspect cap on nesting depth \(200\)/);
  });

  it("counts pickle operations against their cap, and says a pickle cut short is broken", () => {
    expect(() => unpickle(memoChainPickle(), { ...INSPECT_CAPS, pickleOps: 50 })).toThrow(
      /inspect cap on pickle operations \(50\)/,
    );
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0x00]))).toThrow(/broken|no STOP/);
  });
});

describe("the inspect executor runs the parser in a sandboxed child", () => {
  let root: string;
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "edgehub-inspect-"));
    mkdirSync(path.join(root, "files"));
    if (hasFixtures) copyFileSync(path.join(FIXTURES, "model.pt"), path.join(root, "files", "honest.pt"));
    writeFileSync(path.join(root, "files", "bomb.pt"), zipBomb(100));
    writeFileSync(path.join(root, "files", "memo.pt"), checkpointWith(memoChainPickle()));
    // Stands in for R2's signed download: the runner's real ApiClient fetches from it.
    server = http.createServer((request, response) => {
      const file = path.join(root, "files", path.basename(request.url ?? ""));
      import("node:fs").then(({ createReadStream }) =>
        createReadStream(file)
          .on("error", () => response.writeHead(404).end())
          .pipe(response),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  function inspect(name: string) {
    const workDir = path.join(root, `job-${name}`);
    mkdirSync(workDir, { recursive: true });
    const claim = {
      inputs: { weights: { name, size: 10 * 1024 * 1024, url: `${baseUrl}/${name}` } },
    } as unknown as Claim;
    const config = { sandbox: sandboxFromEnv(process.env) } as RunnerConfig;
    const context = {
      claim,
      config,
      api: new ApiClient(baseUrl, "unused"),
      workDir,
      signal: new AbortController().signal,
      log: () => {},
    };
    return inspectExecutor(context as unknown as JobContext);
  }

  it("fails a hostile file's job with the cap it hit, then reads an honest one", async () => {
    await expect(inspect("bomb.pt")).rejects.toThrow(
      /could not read bomb\.pt: the checkpoint exceeds the inspect cap on inflated bytes/,
    );
    await expect(inspect("memo.pt")).rejects.toThrow(/inspect cap on object nodes/);
    if (!hasFixtures) return;
    const { result } = await inspect("honest.pt");
    expect(result).toMatchObject({ task: "detect", parameters: 2_590_425, imgsz: 256 });
  });

  it("refuses a download longer than the file's signed size", async () => {
    const workDir = path.join(root, "job-short");
    mkdirSync(workDir, { recursive: true });
    await expect(
      new ApiClient(baseUrl, "unused").downloadToFile(`${baseUrl}/memo.pt`, path.join(workDir, "x"), 10),
    ).rejects.toThrow(/more than the 10 bytes/);
  });
});
