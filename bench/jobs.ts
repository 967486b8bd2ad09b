/**
 * The job pipeline's figures, against the running dev stack (start it with EDGEHUB_RUNNER=0 so
 * the dev runner does not take the bench's jobs):
 *  (a) dispatch: POST /api/exports -> a runner's claim, p50/p99 over BENCH_JOBS jobs, no-op executor;
 *  (b) throughput: jobs/s created, claimed and completed with 4 runners and a no-op executor;
 *  (c) predict stages on the fixture model at 640 beside a bare session.run and Ultralytics' figures;
 *  (d) POST .../predict end to end on a warm model, p50/p99.
 * The runners are gpu-runner's own Runner class in this process, pulling through the queue gateway.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { sandboxFromEnv, type RunnerConfig } from "../gpu-runner/src/config";
import { decodeImage } from "../gpu-runner/src/executors/predict/decode-image";
import { predictExecutor } from "../gpu-runner/src/executors/predict";
import { letterbox, toTensorData } from "../gpu-runner/src/executors/predict/letterbox";
import { Predictor } from "../gpu-runner/src/executors/predict/predictor";
import type { Executor } from "../gpu-runner/src/executors/types";
import { Runner } from "../gpu-runner/src/runner";
import { median, percentile } from "./lib/load";

const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const FIXTURES = path.resolve(import.meta.dirname, "../../shared/fixtures/yolo");

interface Dev {
  baseUrl: string;
  runnerToken: string;
}

function runnerConfig(dev: Dev, name: string, pollIntervalMs = 20): RunnerConfig {
  return {
    name,
    apiUrl: dev.baseUrl,
    runnerToken: dev.runnerToken,
    queuePullUrl: `${dev.baseUrl}/internal/queues`,
    queueToken: dev.runnerToken,
    queueIds: {
      "gpu-jobs": "gpu-jobs",
      "cli-jobs": "cli-jobs",
      "cpu-jobs": "cpu-jobs",
      "predict-jobs": "predict-jobs",
    },
    queues: ["cli-jobs", "cpu-jobs", "predict-jobs"],
    concurrency: 1,
    workDir: `/tmp/edgehub-bench-${name}`,
    visibilityTimeoutMs: 60_000,
    pollIntervalMs,
    shutdownGraceMs: 2000,
    sandbox: sandboxFromEnv(process.env),
  };
}

async function post(dev: Dev, key: string, pathname: string, json: unknown) {
  const response = await fetch(`${dev.baseUrl}${pathname}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function modelWithWeights(dev: Dev, key: string, file: string, name: string): Promise<string> {
  const project = await post(dev, key, "/api/projects", { project: `bench-jobs-${Date.now().toString(36)}-${name}` });
  const model = await post(dev, key, "/api/models", { projectId: project.body.id, model: name });
  const bytes = readFileSync(file);
  const session = await post(dev, key, "/api/upload/signed-url", {
    assetType: "models",
    assetId: model.body.id,
    filename: path.basename(file),
    contentType: "application/octet-stream",
    totalBytes: bytes.length,
  });
  await fetch(session.body.uploadUrl, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: bytes,
  });
  await post(dev, key, "/api/upload/complete", { sessionId: session.body.sessionId });
  return model.body.id;
}

/** (a) and (b): no-op exports through the real queue, gateway, claim and callbacks. */
async function dispatch(dev: Dev, keys: string[], runnerCount: number, concurrentPosts: number, pollIntervalMs = 20) {
  const modelId = await modelWithWeights(dev, keys[0]!, path.join(FIXTURES, "model.pt"), `noop-${runnerCount}`);
  const posted = new Map<string, number>();
  const claimed = new Map<string, number>();
  /** When the runner, holding the pulled message, sent its claim. */
  const claiming = new Map<string, number>();
  const completed = new Map<string, number>();
  const answered = new Map<string, number>();
  // No work, but a real completion: an export completes with its (here one-byte) file.
  const noop: Executor = async ({ uploadOutput }) => ({
    outputs: [await uploadOutput("model.onnx", new Uint8Array([0]))],
  });
  const runners = Array.from(
    { length: runnerCount },
    (_, i) =>
      new Runner(
        runnerConfig(dev, `bench-${runnerCount}-${i}`, pollIntervalMs),
        { export: noop, inspect: async () => ({}) },
        ["onnx"],
        () => {},
      ),
  );
  for (const runner of runners) {
    const claim = runner.api.claim.bind(runner.api);
    runner.api.claim = async (jobId, runnerId) => {
      const sent = performance.now();
      const answer = await claim(jobId, runnerId);
      if (answer.claim?.job.kind === "export") {
        claimed.set(String(answer.claim.job.spec.exportId), performance.now());
        claiming.set(String(answer.claim.job.spec.exportId), sent);
      }
      return answer;
    };
    const report = runner.api.report.bind(runner.api);
    runner.api.report = async (c, event) => {
      const answer = await report(c, event);
      if (event.type === "completed" && c.job.kind === "export")
        completed.set(String(c.job.spec.exportId), performance.now());
      return answer;
    };
    await runner.start();
  }
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the inspect job of the upload goes first
  const start = performance.now();
  let next = 0;
  // Distinct args per job: identical live exports would be reused, not queued.
  await Promise.all(
    Array.from({ length: concurrentPosts }, async () => {
      for (let i = next++; i < JOBS; i = next++) {
        const key = keys[Math.floor(i / 18) % keys.length]!;
        const sent = performance.now();
        const answer = await post(dev, key, "/api/exports", { modelId, format: "onnx", args: { imgsz: 32 + i } });
        if (answer.status !== 201)
          throw new Error(`POST /api/exports: ${answer.status} ${JSON.stringify(answer.body)}`);
        posted.set(answer.body.id, sent);
        answered.set(answer.body.id, performance.now());
        // One at a time: each job is posted to an idle pipeline (the previous one finished), so
        // this is the dispatch latency alone, not time spent behind the runner's previous job.
        if (concurrentPosts === 1) {
          while (!completed.has(answer.body.id)) await new Promise((resolve) => setTimeout(resolve, 1));
          await new Promise((resolve) => setTimeout(resolve, 100)); // the runner acks and goes back to polling
        }
      }
    }),
  );
  const createdAt = performance.now();
  while (completed.size < JOBS && performance.now() - createdAt < 120_000)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const end = performance.now();
  await Promise.all(runners.map((runner) => runner.stop()));
  const latencies = [...posted].filter(([id]) => claimed.has(id)).map(([id, sent]) => claimed.get(id)! - sent);
  const postLatencies = [...posted].map(([id, sent]) => answered.get(id)! - sent);
  const toPull = [...posted].filter(([id]) => claiming.has(id)).map(([id]) => claiming.get(id)! - answered.get(id)!);
  const claimLatencies = [...claiming].map(([id, sent]) => claimed.get(id)! - sent);
  return {
    runners: runnerCount,
    pollIntervalMs,
    jobs: JOBS,
    claimed: claimed.size,
    completed: completed.size,
    dispatchP50: percentile(latencies, 50),
    dispatchP99: percentile(latencies, 99),
    postP50: percentile(postLatencies, 50),
    /** From the POST's answer to the runner sending its claim: queue delivery, polling, the pull. */
    toPullP50: percentile(toPull, 50),
    claimP50: percentile(claimLatencies, 50),
    createdPerSecond: JOBS / ((createdAt - start) / 1000),
    claimedPerSecond: claimed.size / ((Math.max(...claimed.values()) - start) / 1000),
    completedPerSecond: completed.size / ((end - start) / 1000),
  };
}

/** (c): the runner's stages on the fixture pictures, 30 runs after 5 warm-ups, beside a bare session.run. */
async function predictStages() {
  const predictor = await Predictor.load(new Uint8Array(readFileSync(path.join(FIXTURES, "model.onnx"))));
  const bare = await ort.InferenceSession.create(path.join(FIXTURES, "model.onnx"));
  const rows = [];
  for (const picture of ["images/landscape_640x480.png", "images/hd_1280x720.png"]) {
    const bytes = new Uint8Array(readFileSync(path.join(FIXTURES, picture)));
    const image = await decodeImage(bytes);
    const tensor = new ort.Tensor("float32", toTensorData(letterbox(image, 640).picture), [1, 3, 640, 640]);
    const runs: { preprocess: number; inference: number; postprocess: number; bare: number; decode: number }[] = [];
    for (let i = 0; i < 35; i++) {
      // Interleaved: the bare session.run and the runner's pipeline share the machine's noise.
      let t = performance.now();
      await bare.run({ images: tensor });
      const bareMs = performance.now() - t;
      t = performance.now();
      await decodeImage(bytes);
      const decode = performance.now() - t;
      const { speed } = await predictor.predictImage(image, { conf: 0.25 });
      if (i >= 5) runs.push({ ...speed, bare: bareMs, decode });
    }
    const m = (key: keyof (typeof runs)[number]) => median(runs.map((run) => run[key]));
    rows.push({
      picture,
      decode: m("decode"),
      preprocess: m("preprocess"),
      inference: m("inference"),
      postprocess: m("postprocess"),
      bareSessionRun: m("bare"),
    });
  }
  await predictor.close();
  const anchor = existsSync(path.join(FIXTURES, "speed.json"))
    ? JSON.parse(readFileSync(path.join(FIXTURES, "speed.json"), "utf8"))
    : null;
  return { rows, anchor };
}

/** (d): POST .../predict on a warm model through the API and an in-process runner. */
async function predictEndToEnd(dev: Dev, keys: string[]) {
  const modelId = await modelWithWeights(dev, keys[0]!, path.join(FIXTURES, "model.onnx"), "predict");
  const runner = new Runner(
    runnerConfig(dev, "bench-predict"),
    { predict: predictExecutor, inspect: async () => ({}) },
    [],
    () => {},
  );
  await runner.start();
  const bytes = readFileSync(path.join(FIXTURES, "images/landscape_640x480.png"));
  const latencies: number[] = [];
  const count = Number(process.env.BENCH_PREDICTS ?? 40);
  for (let i = 0; i < count + 3; i++) {
    const form = new FormData();
    form.append("file", new File([bytes], "landscape.png", { type: "image/png" }));
    const key = keys[1 + Math.floor(i / 18)]!; // predict allows 20/min per key
    const start = performance.now();
    const response = await fetch(`${dev.baseUrl}/api/models/${modelId}/predict`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}` },
      body: form,
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`predict answered ${response.status}`);
    if (i >= 3) latencies.push(performance.now() - start);
  }
  await runner.stop();
  return { requests: count, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function benchJobs(dev: Dev, makeKeys: (count: number) => Promise<string[]>) {
  // Each dispatch run gets its own keys: the export limit is 20 per minute per key.
  const perRun = Math.ceil(JOBS / 18) + 1;
  const keys = await makeKeys(perRun * 3 + 10);
  console.log(`\nJob pipeline (${JOBS} no-op exports per run; start the dev stack with EDGEHUB_RUNNER=0)`);
  // (a) one job at a time on one runner, polling every 20 ms, and again at Cloudflare's default
  // 1000 ms, where only the API's wake-up hints keep dispatch fast; (b) a burst on four runners.
  const single = await dispatch(dev, keys.slice(0, perRun), 1, 1);
  const hinted = await dispatch(dev, keys.slice(perRun, 2 * perRun), 1, 1, 1000);
  const fleet = await dispatch(dev, keys.slice(2 * perRun, 3 * perRun), 4, 8);
  const fmt = (n: number) => n.toFixed(1);
  console.log(
    "\n| run | POST /api/exports -> claim p50 ms | p99 ms | of which: the POST p50 | answer -> claim sent p50 | the claim p50 | created jobs/s | claimed jobs/s | completed jobs/s | completed |\n|---|---|---|---|---|---|---|---|---|---|",
  );
  const label = (row: typeof single) =>
    row === fleet ? "(b) burst, 4 runners" : `(a) one at a time, 1 runner polling every ${row.pollIntervalMs} ms`;
  for (const row of [single, hinted, fleet])
    console.log(
      `| ${label(row)} | ${fmt(row.dispatchP50)} | ${fmt(row.dispatchP99)} | ${fmt(row.postP50)} | ${fmt(row.toPullP50)} | ${fmt(row.claimP50)} | ${fmt(row.createdPerSecond)} | ${fmt(row.claimedPerSecond)} | ${fmt(row.completedPerSecond)} | ${row.completed}/${row.jobs} |`,
    );

  const stages = await predictStages();
  console.log(
    "\n| picture | decode ms | preprocess ms | inference ms | postprocess ms | bare session.run ms | inference / bare |\n|---|---|---|---|---|---|---|",
  );
  for (const row of stages.rows)
    console.log(
      `| ${row.picture} | ${fmt(row.decode)} | ${fmt(row.preprocess)} | ${fmt(row.inference)} | ${fmt(row.postprocess)} | ${fmt(row.bareSessionRun)} | ${(row.inference / row.bareSessionRun).toFixed(3)} |`,
    );
  if (stages.anchor) printBesideUltralytics(stages.rows, stages.anchor);

  const e2e = await predictEndToEnd(dev, keys);
  console.log(
    `\nPOST /api/models/{id}/predict, warm model, landscape_640x480.png: p50 ${fmt(e2e.p50)} ms, p99 ${fmt(e2e.p99)} ms over ${e2e.requests} requests`,
  );
  return { dispatch: [single, hinted, fleet], stages, predict: e2e };
}

/**
 * Pre + post beside Ultralytics' recorded figures (speed.json, conf 0.25, another run on the same
 * kind of machine), and, when BENCH_PYTHON names a python with numpy, opencv-python and torch,
 * the runner's preprocess beside Ultralytics' preprocess transcribed (bench/reference) and timed
 * now, on this machine.
 */
function printBesideUltralytics(
  rows: Awaited<ReturnType<typeof predictStages>>["rows"],
  anchor: { median_ms: Record<string, Record<string, { preprocess?: number; postprocess?: number }>> },
) {
  const fmt = (n: number) => n.toFixed(2);
  const measured = transcribedPreprocess(rows.map((row) => row.picture));
  console.log(
    "\n| picture | pre + post ms | Ultralytics pre + post ms (recorded) | ratio | pre ms | Ultralytics pre ms, transcribed, this run | ratio |\n|---|---|---|---|---|---|---|",
  );
  for (const row of rows) {
    const theirs = anchor.median_ms[row.picture]?.["ultralytics conf=0.25"];
    if (!theirs?.preprocess || !theirs.postprocess) continue;
    const ours = row.preprocess + row.postprocess;
    const recorded = theirs.preprocess + theirs.postprocess;
    const now = measured?.[row.picture]?.preprocess;
    const side = now ? `| ${fmt(now)} | ${fmt(row.preprocess / now)} |` : "| (set BENCH_PYTHON) | |";
    console.log(
      `| ${row.picture} | ${fmt(ours)} | ${fmt(recorded)} | ${fmt(ours / recorded)} | ${fmt(row.preprocess)} ${side}`,
    );
  }
  console.log(
    "Ultralytics' figures: ../shared/fixtures/yolo/speed.json (its README has the table); target: ratio <= 1",
  );
}

function transcribedPreprocess(pictures: string[]): Record<string, { preprocess: number }> | undefined {
  const python = process.env.BENCH_PYTHON;
  if (!python) return undefined;
  const script = path.resolve(import.meta.dirname, "reference/ultralytics_preprocess.py");
  try {
    return JSON.parse(execFileSync(python, [script, ...pictures], { cwd: FIXTURES, encoding: "utf8" })) as Record<
      string,
      { preprocess: number }
    >;
  } catch (error) {
    console.log(`BENCH_PYTHON could not time the transcribed preprocess: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  }
}
