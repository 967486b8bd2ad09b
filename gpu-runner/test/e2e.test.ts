/**
 * End to end through the real stack: the API Worker and queue gateway under wrangler dev, runners
 * as child processes (`npm run runner`), real ONNX Runtime on the fixture model. The yolo CLI is
 * the test double in ./yolo-double (named as such); everything else is EdgeHub's own code.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureBytes, fixtureImages, hasFixtures, match } from "./fixtures";
import sharp from "sharp";
import { zipOf } from "./archives";
import { apiOf, ROOT, startStack, until, upload, type Stack } from "./stack";

const YOLO_DOUBLE = path.join(import.meta.dirname, "yolo-double/yolo");

let stack: Stack;
const runners: ChildProcess[] = [];

function startRunner(name: string, env: Record<string, string> = {}): ChildProcess {
  // node itself (not the tsx wrapper), so a SIGKILL kills the runner; its sandboxed children die
  // with it (bwrap's --die-with-parent) or at their wall-clock limit (plain mode).
  // The sandbox hands the CLI only allow-listed variables: the double's knobs are named here.
  const child = spawn(process.execPath, ["--import", "tsx", "gpu-runner/src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", process.env.E2E_VERBOSE ? "inherit" : "ignore", "inherit"],
    env: {
      ...process.env,
      EDGEHUB_API_URL: stack.baseUrl,
      RUNNER_TOKEN: stack.runnerToken,
      RUNNER_NAME: name,
      RUNNER_POLL_MS: "200",
      SANDBOX_PASS_ENV: "YOLO_DOUBLE_SLEEP_MS,YOLO_DOUBLE_FAIL,YOLO_DOUBLE_EPOCH_MS,YOLO_DOUBLE_CRASH_AT",
      ...env,
    },
  });

  runners.push(child);
  return child;
}

async function stopRunner(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

let shapes: Promise<string> | undefined;

/** A small detection dataset, ingested by a runner once for the training tests, as a `ul://` name. */
function trainingDataset(api: ReturnType<typeof apiOf>): Promise<string> {
  shapes ??= ingestShapes(api);
  return shapes;
}

async function ingestShapes(api: ReturnType<typeof apiOf>): Promise<string> {
  const dataset = await api("POST", "/api/datasets", { json: { name: `Shapes ${Date.now().toString(36)}` } });
  const archive = zipOf([
    { name: "data.yaml", data: "names: [square, circle]\n" },
    { name: "images/train/a.jpg", data: Buffer.from(fixtureBytes("images/photo_800x600.jpg")) },
    { name: "labels/train/a.txt", data: "0 0.5 0.5 0.25 0.25\n" },
    { name: "images/val/b.png", data: Buffer.from(fixtureBytes("images/odd_335x517.png")) },
  ]);
  const sessionId = await upload(stack, dataset.body.id, "shapes.zip", archive, "datasets");
  const ingest = startRunner("dataset-ingester", { RUNNER_QUEUES: "cpu-jobs" });
  try {
    const started = await api("POST", "/api/datasets/ingest", { json: { datasetId: dataset.body.id, sessionId } });
    await until("the ingest", async () => {
      const job = (await api("GET", `/api/jobs/${started.body.jobId}`)).body.job;
      return job?.status === "completed" ? job : undefined;
    });
  } finally {
    await stopRunner(ingest);
  }
  const { username } = (await api("GET", "/api/account/summary")).body;
  return `ul://${username}/datasets/${dataset.body.dataset}`;
}

describe.skipIf(!hasFixtures)("the pipeline end to end", () => {
  beforeAll(async () => {
    // 5 MiB parts (R2's smallest): the fixture model and its exports go up in several parts.
    stack = await startStack({
      JOB_LEASE_SECONDS: "3",
      PREDICT_WAIT_MS: "30000",
      UPLOAD_PART_SIZE: String(5 * 1024 * 1024),
      // Datasets of 3 images or more have their NDJSON written by a runner.
      NDJSON_RUNNER_FROM: "3",
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(runners.map((runner) => stopRunner(runner, "SIGKILL")));
    await stack?.stop();
  });

  it("serves the local queue proxy behind the fleet token where the gateway is bound", async () => {
    const pull = (token?: string) =>
      fetch(`${stack.baseUrl}/internal/queues/cpu-jobs/messages/pull`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ batch_size: 1, visibility_timeout_ms: 1 }),
      });
    expect((await pull()).status).toBe(401);
    const answer = await pull(stack.runnerToken);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ success: true, result: { messages: [] } });
  });

  it("predicts through the API and a runner, agreeing with Ultralytics on every fixture picture", async () => {
    const api = apiOf(stack);
    const runner = startRunner("predictor");
    const project = await api("POST", "/api/projects", { json: { project: "shapes" } });
    const model = await api("POST", "/api/models", { json: { projectId: project.body.id, model: "yolo11n-shapes" } });
    await upload(stack, model.body.id, "best.onnx", fixtureBytes("model.onnx"));

    for (const image of fixtureImages()) {
      const form = new FormData();
      form.append(
        "file",
        new File([fixtureBytes(image.file)], path.basename(image.file), {
          type: image.format === "png" ? "image/png" : "image/jpeg",
        }),
      );
      form.append("conf", "0.25");
      const answer = await api("POST", `/api/models/${model.body.id}/predict`, { body: form });
      expect(answer.status, image.file).toBe(200);
      const [result] = answer.body.images;
      expect(result.shape).toEqual(image.orig_shape);
      const expected = image.predictions["conf_0.25"]!;
      const ours = result.results.map(
        (r: { class: number; confidence: number; box: { x1: number; y1: number; x2: number; y2: number } }) => ({
          cls: r.class,
          conf: r.confidence,
          xyxy: [r.box.x1, r.box.y1, r.box.x2, r.box.y2],
        }),
      );
      expect(ours.length, image.file).toBe(expected.count);
      for (const { box, ours: mine, iou } of match(expected.boxes, ours)) {
        expect(mine, `${image.file}: ${box.name} ${box.conf} unmatched`).toBeDefined();
        expect(iou).toBeGreaterThanOrEqual(0.99);
        expect(Math.abs(mine!.conf - box.conf)).toBeLessThanOrEqual(0.005);
      }
      expect(result.results[0]?.name ?? "").toMatch(/^(red_rectangle|green_ellipse|blue_triangle|)$/);
    }
    await stopRunner(runner);
  });

  it("redelivers a job whose runner was killed mid-export; another runner completes it as attempt 2", async () => {
    const api = apiOf(stack);
    const project = await api("POST", "/api/projects", { json: { project: "exports" } });
    const model = await api("POST", "/api/models", { json: { projectId: project.body.id, model: "to-export" } });
    await upload(stack, model.body.id, "best.pt", fixtureBytes("model.pt"));

    const doomed = startRunner("doomed", {
      YOLO_BIN: YOLO_DOUBLE,
      YOLO_DOUBLE_SLEEP_MS: "60000",
      QUEUE_VISIBILITY_TIMEOUT_MS: "3000",
    });
    const created = await api("POST", "/api/exports", {
      json: { modelId: model.body.id, format: "openvino", args: { imgsz: 640 } },
    });
    expect(created.status).toBe(201);
    const jobId = await until(
      "the export's job",
      async () => (await api("GET", `/api/exports/${created.body.id}`)).body.export?.jobId as string | undefined,
    );
    await until(
      "the doomed runner to start the export",
      async () => ((await api("GET", `/api/jobs/${jobId}`)).body.job?.status === "running" ? true : undefined),
      60_000,
    );
    await stopRunner(doomed, "SIGKILL");

    const survivor = startRunner("survivor", {
      YOLO_BIN: YOLO_DOUBLE,
      YOLO_DOUBLE_SLEEP_MS: "0",
      QUEUE_VISIBILITY_TIMEOUT_MS: "30000",
    });
    const done = await until(
      "the export to complete",
      async () => {
        const job = (await api("GET", `/api/jobs/${jobId}`)).body.job;
        return job?.status === "completed" || job?.status === "failed" ? job : undefined;
      },
      60_000,
    );
    expect(done).toMatchObject({ status: "completed", attempt: 2 });
    const exported = (await api("GET", `/api/exports/${created.body.id}`)).body.export;
    expect(exported).toMatchObject({ status: "completed", file: { downloadFilename: "best_openvino_model.zip" } });
    const file = await fetch(exported.file.downloadUrl);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).includes(Buffer.from("openvino weights of"))).toBe(true);
    // The checkpoint uploaded above was inspected by a runner on the way.
    const inspected = (await api("GET", `/api/models/${model.body.id}`)).body.model;
    expect(inspected).toMatchObject({
      task: "detect",
      classNames: ["red_rectangle", "green_ellipse", "blue_triangle"],
      status: "completed",
    });
    await stopRunner(survivor);
  });

  it("ingests an uploaded YOLO archive through a runner: pictures by hash, thumbnails, labels, errors", async () => {
    const api = apiOf(stack);
    const dataset = await api("POST", "/api/datasets", { json: { name: "Shapes", task: "detect" } });
    expect(dataset.status).toBe(201);
    const pictures = ["photo_800x600.jpg", "odd_335x517.png", "hd_1280x720.png"];
    const archive = zipOf([
      { name: "shapes/data.yaml", data: "names: [square, circle]\n" },
      ...pictures.map((name, i) => ({
        name: `shapes/images/${i === 2 ? "val" : "train"}/${name}`,
        data: Buffer.from(fixtureBytes(`images/${name}`)),
      })),
      { name: "shapes/labels/train/photo_800x600.txt", data: "0 0.5 0.5 0.25 0.25\n1 0.2 0.2 0.1 0.1\n" },
      { name: "shapes/labels/val/hd_1280x720.txt", data: "1 0.5 0.5 0.2 0.2\n3 0.5 0.5 0.2 0.2\n" },
    ]);
    const sessionId = await upload(stack, dataset.body.id, "shapes.zip", archive, "datasets");
    const runner = startRunner("ingester");
    const started = await api("POST", "/api/datasets/ingest", { json: { datasetId: dataset.body.id, sessionId } });
    expect(started.status).toBe(201);
    const job = await until("the ingest to finish", async () => {
      const current = (await api("GET", `/api/jobs/${started.body.jobId}`)).body.job;
      return current?.status === "completed" || current?.status === "failed" ? current : undefined;
    });
    expect(job).toMatchObject({
      status: "completed",
      result: { images: 3, added: 3, skipped: 0, errorCount: 1, classNames: ["square", "circle"] },
    });
    expect(job.result.errors[0]).toMatchObject({
      file: "shapes/images/val/hd_1280x720.png",
      error: expect.stringContaining("class 3 is not one of data.yaml's 2 names"),
    });
    const after = (await api("GET", `/api/datasets/${dataset.body.id}`)).body.dataset;
    expect(after).toMatchObject({ status: "ready", imageCount: 3, classNames: ["square", "circle"] });
    expect(after.splits).toEqual({ train: 2, val: 1, test: 0, labeled: 2 });
    const listed = await api("GET", `/api/datasets/${dataset.body.id}/images?sort=name-asc&includeImageUrls=true`);
    expect(listed.body.images.map((image: { name: string }) => image.name)).toEqual([
      "hd_1280x720.png",
      "odd_335x517.png",
      "photo_800x600.jpg",
    ]);
    const photo = listed.body.images[2];
    expect(photo).toMatchObject({ width: 800, height: 600, labelCount: 2, split: "train" });
    const original = Buffer.from(await (await fetch(photo.imageUrl)).arrayBuffer());
    expect(original.equals(Buffer.from(fixtureBytes("images/photo_800x600.jpg")))).toBe(true);
    const thumbnail = await fetch(photo.thumbnailUrl);
    expect(thumbnail.status).toBe(200);
    expect((await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).width).toBe(256);

    // The same archive again: nothing new is sent or added (skip is the default policy).
    const again = await api("POST", "/api/datasets/ingest", { json: { datasetId: dataset.body.id, sessionId } });
    const second = await until("the second ingest", async () => {
      const current = (await api("GET", `/api/jobs/${again.body.jobId}`)).body.job;
      return current?.status === "completed" || current?.status === "failed" ? current : undefined;
    });
    expect(second.result).toMatchObject({ added: 0, skipped: 3 });
    await stopRunner(runner);
  });

  it("ingests a sourceUrl the runner fetches through the guard, and refuses a private address", async () => {
    const archive = zipOf([
      { name: "images/train/photo.jpg", data: Buffer.from(fixtureBytes("images/photo_800x600.jpg")) },
      { name: "labels/train/photo.txt", data: "0 0.5 0.5 0.5 0.5\n" },
    ]);
    // The remote web, as a test double: one archive at one URL.
    const server = createServer((request, response) => {
      if (request.url !== "/sets/photo.zip") return void response.writeHead(404).end();
      response.writeHead(200, { "Content-Type": "application/zip", "Content-Length": archive.length }).end(archive);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = apiOf(stack);
    const runner = startRunner("fetcher", { OUTBOUND_ALLOW_HOSTS: host });
    try {
      const dataset = await api("POST", "/api/datasets", { json: { name: "Remote", classNames: ["thing"] } });
      const ingest = (sourceUrl: string) =>
        api("POST", "/api/datasets/ingest", { json: { datasetId: dataset.body.id, sourceUrl } });
      const finished = (jobId: string) =>
        until("the ingest to finish", async () => {
          const current = (await api("GET", `/api/jobs/${jobId}`)).body.job;
          return current?.status === "completed" || current?.status === "failed" ? current : undefined;
        });
      const fetched = await finished((await ingest(`http://${host}/sets/photo.zip`)).body.jobId);
      expect(fetched).toMatchObject({ status: "completed", result: { added: 1 } });
      const refused = await finished((await ingest("http://127.0.0.2:9/sets/other.zip")).body.jobId);
      expect(refused.status).toBe("failed");
      expect(refused.error.message).toMatch(/sourceUrl: the URL's address is not public/);
      expect((await api("GET", `/api/datasets/${dataset.body.id}`)).body.dataset).toMatchObject({
        status: "ready",
        imageCount: 1,
      });
    } finally {
      await stopRunner(runner);
      server.close();
    }
  });

  it("ingests an NDJSON source, pictures fetched through the guard, and reads back its own export", async () => {
    const photo = Buffer.from(fixtureBytes("images/photo_800x600.jpg"));
    const others = ["odd_335x517.png", "hd_1280x720.png"];
    const server = createServer((request, response) => {
      if (request.url === "/pics/photo.jpg") return void response.writeHead(200).end(photo);
      const other = others.find((name) => request.url === `/pics/${name}`);
      if (other) return void response.writeHead(200).end(Buffer.from(fixtureBytes(`images/${other}`)));
      if (request.url !== "/sets/shapes.ndjson") return void response.writeHead(404).end();
      const base = `http://${host}`;
      const lines = [
        { type: "dataset", task: "detect", class_names: { "0": "square", "1": "circle" } },
        {
          type: "image",
          file: "photo.jpg",
          url: `${base}/pics/photo.jpg`,
          split: "val",
          annotations: { boxes: [[1, 0.5, 0.5, 0.2, 0.2]] },
        },
        ...others.map((name) => ({ type: "image", file: name, url: `${base}/pics/${name}`, split: "train" })),
        { type: "image", file: "lost.jpg", url: `${base}/pics/lost.jpg`, split: "train" },
        { type: "image", file: "inside.jpg", url: "http://127.0.0.2:9/inside.jpg", split: "train" },
      ];
      response
        .writeHead(200, { "Content-Type": "application/x-ndjson" })
        .end(lines.map((line) => JSON.stringify(line)).join("\n"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = apiOf(stack);
    // The API's own host too: its signed NDJSON export is a source like any other.
    const runner = startRunner("ndjson", { OUTBOUND_ALLOW_HOSTS: `${host},${new URL(stack.baseUrl).host}` });
    const ingested = async (name: string, sourceUrl: string) => {
      const dataset = await api("POST", "/api/datasets", { json: { name } });
      const started = await api("POST", "/api/datasets/ingest", { json: { datasetId: dataset.body.id, sourceUrl } });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      const job = await until("the ingest to finish", async () => {
        const current = (await api("GET", `/api/jobs/${started.body.jobId}`)).body.job;
        return current?.status === "completed" || current?.status === "failed" ? current : undefined;
      });
      return { datasetId: dataset.body.id as string, job };
    };
    try {
      const first = await ingested("From NDJSON", `http://${host}/sets/shapes.ndjson`);
      expect(first.job).toMatchObject({ status: "completed", result: { images: 5, added: 3, errorCount: 2 } });
      expect(first.job.result.errors).toEqual(
        expect.arrayContaining([
          { file: "lost.jpg", error: "url: could not fetch the source" },
          { file: "inside.jpg", error: "url: the URL's address is not public" },
        ]),
      );
      const listed = await api("GET", `/api/datasets/${first.datasetId}/images?includeLabels=true&split=val`);
      expect(listed.body.images).toMatchObject([
        {
          name: "photo.jpg",
          split: "val",
          width: 800,
          height: 600,
          labels: [{ classId: 1, bbox: [0.5, 0.5, 0.2, 0.2] }],
        },
      ]);
      // Three images: the runner writes the export (409 meanwhile), then it is served.
      const building = await api("GET", `/api/datasets/${first.datasetId}/export`);
      expect(building.status).toBe(409);
      const exported = await until("the runner to write the export", async () => {
        const answer = await api("GET", `/api/datasets/${first.datasetId}/export`);
        return answer.status === 200 ? answer : undefined;
      });
      const again = await ingested("Round trip", exported.body.downloadUrl);
      expect(again.job).toMatchObject({ status: "completed", result: { added: 3, errorCount: 0 } });
      const copy = await api("GET", `/api/datasets/${again.datasetId}/images?includeLabels=true&split=val`);
      expect(copy.body.images[0]).toMatchObject({
        name: "photo.jpg",
        split: "val",
        labels: listed.body.images[0].labels,
      });
      expect((await api("GET", `/api/datasets/${again.datasetId}`)).body.dataset.classNames).toEqual([
        "square",
        "circle",
      ]);
    } finally {
      await stopRunner(runner);
      server.close();
    }
  });

  it("trains on the fleet: queue, runner, sandboxed yolo train, the package's callbacks, a completed model", async () => {
    const api = apiOf(stack);
    const trainer = startRunner("trainer", {
      YOLO_BIN: YOLO_DOUBLE,
      GPU_TYPE: "rtx-4090",
      RUNNER_QUEUES: "cpu-jobs,gpu-jobs",
      YOLO_DOUBLE_EPOCH_MS: "50",
      QUEUE_VISIBILITY_TIMEOUT_MS: "3000",
    });
    try {
      const data = await trainingDataset(api);
      await until("the fleet to offer rtx-4090", async () => {
        const levels = (await api("GET", "/api/training/gpu-availability")).body;
        return levels["rtx-4090"] ? levels : undefined;
      });
      const before = (await api("GET", "/api/account/summary")).body.creditsCents as number;
      const project = await api("POST", "/api/projects", { json: { project: "cloud" } });
      const model = await api("POST", "/api/models", { json: { projectId: project.body.id, model: "run1" } });
      const trainArgs = { model: "yolo11n.pt", data, epochs: 3, imgsz: 320 };
      const start = await api("POST", "/api/training/start", {
        json: { modelId: model.body.id, gpuType: "rtx-4090", trainArgs },
      });
      expect(start.status, JSON.stringify(start.body)).toBe(200);
      expect(start.body).toMatchObject({ status: "starting", gpuType: "rtx-4090", estimatedCost: { gpuMemoryGb: 24 } });
      const again = await api("POST", "/api/training/start", { json: { modelId: model.body.id, trainArgs } });
      expect(again.status).toBe(409);
      const done = await until(
        "the cloud run to finish",
        async () => {
          const current = (await api("GET", `/api/models/${model.body.id}`)).body.model;
          return ["completed", "failed", "cancelled"].includes(current?.status) ? current : undefined;
        },
        60_000,
      );
      expect(done).toMatchObject({ status: "completed", classNames: ["square", "circle"] });
      const progress = (await api("GET", `/api/models/${model.body.id}/training?include=detail`)).body;
      expect(progress.job).toMatchObject({
        status: "completed",
        progress: { currentEpoch: 3, totalEpochs: 3, percentage: 100 },
        compute: { gpuType: "rtx-4090", gpuDisplayName: "RTX 4090", gpuMemoryGb: 24 },
      });
      expect(progress.charts.metrics["metrics/mAP50(B)"]).toHaveLength(3);
      expect(progress.console).toContain("3/3");
      const files = (await api("GET", `/api/models/${model.body.id}/files`)).body;
      expect(JSON.stringify(files)).toContain("best.pt");
      const job = await until("the train job to complete", async () => {
        const train = (await api("GET", `/api/jobs/${progress.jobId}`)).body.job;
        return train?.status === "completed" ? train : undefined;
      });
      expect(job).toMatchObject({ kind: "train", attempt: 1 });
      // Settled for the seconds used, the reservation given back.
      const after = (await api("GET", "/api/account/summary")).body.creditsCents as number;
      expect(after).toBeLessThan(before);
      expect(before - after).toBeLessThan(start.body.billing.estimatedCostCents);
    } finally {
      await stopRunner(trainer);
    }
  });

  it("cancels a cloud run, and fails one whose process crashes, saying why", async () => {
    const api = apiOf(stack);
    const data = await trainingDataset(api);
    const project = await api("POST", "/api/projects", { json: { project: "cloud-fail" } });
    const newModel = async (name: string) =>
      (await api("POST", "/api/models", { json: { projectId: project.body.id, model: name } })).body.id as string;
    const finished = (modelId: string) =>
      until(
        "the run to end",
        async () => {
          const current = (await api("GET", `/api/models/${modelId}`)).body.model;
          return ["completed", "failed", "cancelled"].includes(current?.status) ? current : undefined;
        },
        60_000,
      );
    const slow = startRunner("slow-trainer", {
      YOLO_BIN: YOLO_DOUBLE,
      GPU_TYPE: "rtx-4090",
      RUNNER_QUEUES: "gpu-jobs",
      YOLO_DOUBLE_EPOCH_MS: "300",
    });
    try {
      await until("the slow trainer", async () =>
        (await api("GET", "/api/training/gpu-availability")).body["rtx-4090"] ? true : undefined,
      );
      const modelId = await newModel("long");
      const trainArgs = { model: "yolo11n.pt", data, epochs: 200 };
      expect(
        (await api("POST", "/api/training/start", { json: { modelId, gpuType: "rtx-4090", trainArgs } })).status,
      ).toBe(200);
      await until("an epoch", async () => {
        const job = (await api("GET", `/api/models/${modelId}/training`)).body.job;
        return job?.progress.currentEpoch >= 1 ? job : undefined;
      });
      // The contract's form takes an API key (the docs' id form is for browser sessions).
      const { username } = (await api("GET", "/api/account/summary")).body;
      const cancelled = await api("DELETE", `/api/models/${username}/cloud-fail/long/training`);
      expect(cancelled.body).toEqual({ success: true, status: "cancelled" });
      expect(await finished(modelId)).toMatchObject({ status: "cancelled" });
      const { jobId } = (await api("GET", `/api/models/${modelId}/training?include=detail`)).body;
      expect((await api("GET", `/api/jobs/${jobId}`)).body.job).toMatchObject({ status: "cancelled" });
    } finally {
      await stopRunner(slow);
    }
    const crashy = startRunner("crashy-trainer", {
      YOLO_BIN: YOLO_DOUBLE,
      GPU_TYPE: "rtx-4090",
      RUNNER_QUEUES: "gpu-jobs",
      YOLO_DOUBLE_CRASH_AT: "2",
    });
    try {
      await until("the crashy trainer", async () =>
        (await api("GET", "/api/training/gpu-availability")).body["rtx-4090"] ? true : undefined,
      );
      const modelId = await newModel("crash");
      const trainArgs = { model: "yolo11n.pt", data, epochs: 5 };
      expect(
        (await api("POST", "/api/training/start", { json: { modelId, gpuType: "rtx-4090", trainArgs } })).status,
      ).toBe(200);
      const failed = await finished(modelId);
      expect(failed.status).toBe("failed");
      const progress = (await api("GET", `/api/models/${modelId}/training`)).body.job;
      expect(progress.error.message).toMatch(/yolo train exited with code 1.*CUDA error/);
    } finally {
      await stopRunner(crashy);
    }
  });

  it("resumes a cloud run from its last.pt on another runner when its runner is killed", async () => {
    const api = apiOf(stack);
    const data = await trainingDataset(api);
    const project = await api("POST", "/api/projects", { json: { project: "cloud-resume" } });
    const model = await api("POST", "/api/models", { json: { projectId: project.body.id, model: "resumed" } });
    const gpu = { YOLO_BIN: YOLO_DOUBLE, GPU_TYPE: "rtx-4090", RUNNER_QUEUES: "gpu-jobs" };
    const doomed = startRunner("doomed-trainer", {
      ...gpu,
      YOLO_DOUBLE_EPOCH_MS: "400",
      QUEUE_VISIBILITY_TIMEOUT_MS: "3000",
    });
    await until("the fleet to offer rtx-4090", async () =>
      (await api("GET", "/api/training/gpu-availability")).body["rtx-4090"] ? true : undefined,
    );
    const trainArgs = { model: "yolo11n.pt", data, epochs: 6 };
    const started = await api("POST", "/api/training/start", {
      json: { modelId: model.body.id, gpuType: "rtx-4090", trainArgs },
    });
    expect(started.status).toBe(200);
    await until("two epochs", async () => {
      const job = (await api("GET", `/api/models/${model.body.id}/training`)).body.job;
      return job?.progress.currentEpoch >= 2 ? job : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // its last.pt on the way up
    await stopRunner(doomed, "SIGKILL");
    const survivor = startRunner("survivor-trainer", { ...gpu, YOLO_DOUBLE_EPOCH_MS: "50" });
    try {
      const done = await until(
        "the resumed run to finish",
        async () => {
          const current = (await api("GET", `/api/models/${model.body.id}`)).body.model;
          return ["completed", "failed", "cancelled"].includes(current?.status) ? current : undefined;
        },
        90_000,
      );
      expect(done.status).toBe("completed");
      const progress = (await api("GET", `/api/models/${model.body.id}/training?include=detail`)).body;
      expect(progress.job.progress.currentEpoch).toBe(6);
      // Without bubblewrap the killed runner's trainer outlives it and may finish the run first:
      // the job itself ends when the second attempt's process exits.
      const job = await until(
        "the second attempt to end",
        async () => {
          const current = (await api("GET", `/api/jobs/${progress.jobId}`)).body.job;
          return ["completed", "failed", "cancelled"].includes(current?.status) ? current : undefined;
        },
        60_000,
      );
      expect(job).toMatchObject({ status: "completed", attempt: 2 });
    } finally {
      await stopRunner(survivor);
    }
  });

  it("uploads an export larger than one part through per-part signed URLs, byte for byte", async () => {
    const api = apiOf(stack);
    const project = await api("POST", "/api/projects", { json: { project: "large-exports" } });
    const model = await api("POST", "/api/models", { json: { projectId: project.body.id, model: "large" } });
    const weights = fixtureBytes("model.pt");
    await upload(stack, model.body.id, "best.pt", weights);
    const runner = startRunner("exporter", { YOLO_BIN: YOLO_DOUBLE, YOLO_DOUBLE_SLEEP_MS: "0" });
    const created = await api("POST", "/api/exports", { json: { modelId: model.body.id, format: "torchscript" } });
    expect(created.status).toBe(201);
    const exported = await until(
      "the export to finish",
      async () => {
        const current = (await api("GET", `/api/exports/${created.body.id}`)).body.export;
        return current?.status === "completed" || current?.status === "failed" ? current : undefined;
      },
      60_000,
    );
    // The double writes "torchscript:" + the weights: more than one 5 MiB part.
    const expected = Buffer.concat([Buffer.from("torchscript:"), Buffer.from(weights)]);
    expect(expected.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(exported).toMatchObject({
      status: "completed",
      file: { size: expected.length, downloadFilename: "best.torchscript" },
    });
    const file = Buffer.from(await (await fetch(exported.file.downloadUrl)).arrayBuffer());
    expect(file.equals(expected)).toBe(true);
    await stopRunner(runner);
  });

  it("ends a job failed with the executor's error when the CLI crashes", async () => {
    const api = apiOf(stack);
    const project = await api("POST", "/api/projects", { json: { project: "broken" } });
    const model = await api("POST", "/api/models", { json: { projectId: project.body.id, model: "m" } });
    await upload(stack, model.body.id, "best.pt", fixtureBytes("model.pt"));
    const runner = startRunner("crashy", { YOLO_BIN: YOLO_DOUBLE, YOLO_DOUBLE_FAIL: "1" });
    const created = await api("POST", "/api/exports", { json: { modelId: model.body.id, format: "coreml" } });
    const failed = await until(
      "the export to fail",
      async () => {
        const exported = (await api("GET", `/api/exports/${created.body.id}`)).body.export;
        return exported?.status === "failed" ? exported : undefined;
      },
      60_000,
    );
    expect(failed.error.message).toMatch(/ModuleNotFoundError: No module named 'coreml'/);
    await stopRunner(runner);
  });
  /** A model with the fixture weights and an export queued on it; answers the export and its job. */
  async function exportOfFixture(project: string) {
    const api = apiOf(stack);
    const created = await api("POST", "/api/projects", { json: { project } });
    const model = await api("POST", "/api/models", { json: { projectId: created.body.id, model: "m" } });
    await upload(stack, model.body.id, "best.pt", fixtureBytes("model.pt"));
    const exported = await api("POST", "/api/exports", { json: { modelId: model.body.id, format: "torchscript" } });
    const jobId = await until(
      "the export's job",
      async () => (await api("GET", `/api/exports/${exported.body.id}`)).body.export?.jobId as string | undefined,
    );
    return { exportId: exported.body.id as string, jobId };
  }

  const jobStatus = async (jobId: string) => (await apiOf(stack)("GET", `/api/jobs/${jobId}`)).body.job;
  /** The sandboxed CLI's processes of a job (their command line names the job's folder). */
  const cliProcesses = (jobId: string) =>
    spawnSync("pgrep", ["-f", `${jobId}-`])
      .stdout.toString()
      .trim();

  it("hands a running job back on SIGTERM, stopping its CLI; another runner takes it at once", async () => {
    const { jobId } = await exportOfFixture("handed-back");
    const leaving = startRunner("leaving", {
      YOLO_BIN: YOLO_DOUBLE,
      YOLO_DOUBLE_SLEEP_MS: "60000",
      RUNNER_SHUTDOWN_GRACE_MS: "300",
    });
    await until(
      "the export to run",
      async () => ((await jobStatus(jobId))?.status === "running" ? true : undefined),
      60_000,
    );
    expect(cliProcesses(jobId)).not.toBe("");
    await stopRunner(leaving, "SIGTERM");
    expect((await jobStatus(jobId)).status).toBe("queued"); // released, not left to lapse
    await until("the CLI to be gone", async () => (cliProcesses(jobId) === "" ? true : undefined), 10_000);

    const taker = startRunner("taker", { YOLO_BIN: YOLO_DOUBLE, YOLO_DOUBLE_SLEEP_MS: "0" });
    const done = await until(
      "the export to complete",
      async () => {
        const job = await jobStatus(jobId);
        return job?.status === "completed" || job?.status === "failed" ? job : undefined;
      },
      60_000,
    );
    expect(done).toMatchObject({ status: "completed", attempt: 2 });
    await stopRunner(taker);
  });

  it("stops a cancelled export: the runner's next callback is refused and its CLI is killed", async () => {
    const api = apiOf(stack);
    const { exportId, jobId } = await exportOfFixture("cancelled");
    const runner = startRunner("cancelling", { YOLO_BIN: YOLO_DOUBLE, YOLO_DOUBLE_SLEEP_MS: "60000" });
    await until(
      "the export to run",
      async () => ((await jobStatus(jobId))?.status === "running" ? true : undefined),
      60_000,
    );
    expect((await api("DELETE", `/api/exports/${exportId}`)).body).toEqual({ success: true, action: "cancelled" });
    // Heartbeats come every third of the lease (3 s here): the next one learns of the cancel.
    await until("the CLI to be stopped", async () => (cliProcesses(jobId) === "" ? true : undefined), 20_000);
    expect((await jobStatus(jobId)).status).toBe("cancelled");
    await stopRunner(runner);
  });
});
