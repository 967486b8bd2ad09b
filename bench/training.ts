/**
 * Training's figures, against the running dev stack (`npm run bench:training`):
 *  (a) webhook ingest: 50 simulated runs posting epoch_end and console_output as fast as they
 *      are answered (each on its own key: capacity), then 50 runs at the package's pace (an
 *      event every 2 s each) sharing one key: events/s, p50/p99, and how many were refused;
 *  (b) GET /api/models/{id}/training of a 300-epoch run (300 console chunks), plain and with
 *      include=detail, p50/p99;
 *  (c) POST /api/training/start to the run's training_started, with a no-op trainer: a runner in
 *      this process (gpu-runner's own Runner, `cpu` type) running the yolo test double for one
 *      epoch; server timestamps (job created -> run started).
 */
import path from "node:path";
import pg from "pg";
import { sandboxFromEnv, type RunnerConfig } from "../gpu-runner/src/config";
import { trainExecutor } from "../gpu-runner/src/executors/train";
import { Runner } from "../gpu-runner/src/runner";
import { median, percentile } from "./lib/load";

const RUNS = Number(process.env.BENCH_TRAINING_RUNS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const STARTS = Number(process.env.BENCH_TRAINING_STARTS ?? 5);

export interface TrainingBenchContext {
  root: string;
  baseUrl: string;
  apiKey: string;
  username: string;
  databaseUrl: string;
  runnerToken: string;
  makeKeys: (count: number) => Promise<string[]>;
}

/** Each key from its own address, as each run comes from its own machine (the per-IP key look-up limit). */
function addressOf(key: string): string {
  let n = 0;
  for (const char of key) n = (n * 31 + char.charCodeAt(0)) >>> 0;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

async function post(ctx: TrainingBenchContext, key: string, pathname: string, json: unknown) {
  const started = performance.now();
  const response = await fetch(`${ctx.baseUrl}${pathname}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${key}`,
      "Content-Type": "application/json",
      "cf-connecting-ip": addressOf(key),
    },
    body: JSON.stringify(json),
  });
  const body = (await response.json()) as Record<string, any>;
  return { status: response.status, body, ms: performance.now() - started };
}

const metrics = (epoch: number) => ({
  "train/box_loss": 1.5 - epoch * 0.001,
  "train/cls_loss": 1.2,
  "val/box_loss": 1.3,
  "metrics/mAP50(B)": 0.5,
  "metrics/mAP50-95(B)": 0.3,
  "lr/pg0": 0.01,
});

async function startRun(ctx: TrainingBenchContext, key: string, name: string) {
  const started = await post(ctx, key, "/api/webhooks/training/metrics", {
    event: "training_started",
    project: `${ctx.username}/bench-training`,
    name,
    data: { trainArgs: { model: "yolo11n.pt", epochs: "300" }, epochs: 300, device: "0", environment: {} },
  });
  if (started.status !== 200) throw new Error(`training_started: ${started.status} ${JSON.stringify(started.body)}`);
  return started.body.modelId as string;
}

/** One run's loop: epoch_end and console_output in turn, each sent when the last was answered. */
async function runLoop(ctx: TrainingBenchContext, key: string, modelId: string, until: number, pauseMs: number) {
  const latencies: number[] = [];
  let refused = 0;
  // Runs at the package's pace started at different moments, as real runs do.
  if (pauseMs) await new Promise((resolve) => setTimeout(resolve, Math.random() * pauseMs));
  for (let epoch = 1; performance.now() < until; epoch++) {
    const event =
      epoch % 2
        ? { event: "epoch_end", modelId, data: { epoch, metrics: metrics(epoch), fitness: 0.4, best_fitness: 0.4 } }
        : {
            event: "console_output",
            modelId,
            data: { chunkId: `c${epoch}`, content: "line\n".repeat(5), lineCount: 5 },
          };
    const answer = await post(ctx, key, "/api/webhooks/training/metrics", event);
    if (answer.status === 429) refused++;
    else latencies.push(answer.ms);
    if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return { latencies, refused };
}

async function webhookIngest(ctx: TrainingBenchContext, keys: string[], pauseMs: number, seconds: number) {
  const models = await Promise.all(keys.map((key, i) => startRun(ctx, key, `ingest-${Date.now().toString(36)}-${i}`)));
  const started = performance.now();
  const results = await Promise.all(
    models.map((modelId, i) => runLoop(ctx, keys[i]!, modelId, started + seconds * 1000, pauseMs)),
  );
  const elapsed = (performance.now() - started) / 1000;
  const latencies = results.flatMap((r) => r.latencies);
  return {
    eventsPerSecond: latencies.length / elapsed,
    p50: median(latencies),
    p99: percentile(latencies, 99),
    refused: results.reduce((sum, r) => sum + r.refused, 0),
  };
}

async function readLatency(ctx: TrainingBenchContext, keys: string[]) {
  const modelId = await startRun(ctx, keys[0]!, `read-${Date.now().toString(36)}`);
  for (let epoch = 1; epoch <= 300; epoch++) {
    const key = keys[epoch % keys.length]!;
    await post(ctx, key, "/api/webhooks/training/metrics", {
      event: "epoch_end",
      modelId,
      data: { epoch, metrics: metrics(epoch) },
    });
    await post(ctx, key, "/api/webhooks/training/metrics", {
      event: "console_output",
      modelId,
      data: { chunkId: `c${epoch}`, content: `epoch ${epoch}\n`.repeat(5), lineCount: 5 },
    });
  }
  let used = 0;
  const timed = async (query: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const key = keys[Math.floor(used++ / 90) % keys.length]!;
      const started = performance.now();
      const response = await fetch(`${ctx.baseUrl}/api/models/${modelId}/training${query}`, {
        headers: { Authorization: `Bearer ${key}`, "cf-connecting-ip": addressOf(key) },
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`training read: ${response.status}`);
      samples.push(performance.now() - started);
    }
    return { p50: median(samples), p99: percentile(samples, 99) };
  };
  return { plain: await timed(""), detail: await timed("?include=detail") };
}

/** A 10-image dataset, seeded in SQL: the trainer double reads only its NDJSON. */
async function seedDataset(ctx: TrainingBenchContext): Promise<string> {
  const slug = `bench-train-${Date.now().toString(36)}`;
  const created = await post(ctx, ctx.apiKey, "/api/datasets", { dataset: slug, name: slug, classNames: ["a"] });
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  await client.query(
    `insert into image_blobs (hash, ext, bytes, width, height)
     select encode(sha256(('train' || $1 || g)::bytea), 'hex'), 'jpg', 1000, 640, 480 from generate_series(1, 10) g
     on conflict do nothing`,
    [created.body.id],
  );
  await client.query(
    `insert into dataset_images (id, dataset_id, workspace_id, hash, filename, split, ext, width, height, bytes)
     select substr(md5(random()::text || g), 1, 24), $1, d.workspace_id, encode(sha256(('train' || $1 || g)::bytea), 'hex'),
       'img_' || g || '.jpg', 'train', 'jpg', 640, 480, 1000
     from generate_series(1, 10) g, datasets d where d.id = $1`,
    [created.body.id],
  );
  await client.query(
    `update datasets set image_count = 10, updated_at = now(),
       splits = jsonb_build_object('train', 10, 'val', 0, 'test', 0, 'labeled', 0) where id = $1`,
    [created.body.id],
  );
  await client.end();
  return `ul://${ctx.username}/datasets/${slug}`;
}

async function startToFirstEvent(ctx: TrainingBenchContext) {
  process.env.YOLO_DOUBLE_EPOCH_MS = "0";
  process.env.SANDBOX_PASS_ENV = "YOLO_DOUBLE_EPOCH_MS";
  const config: RunnerConfig = {
    name: "bench-trainer",
    apiUrl: ctx.baseUrl,
    runnerToken: ctx.runnerToken,
    queuePullUrl: `${ctx.baseUrl}/internal/queues`,
    queueToken: ctx.runnerToken,
    queueIds: {
      "gpu-jobs": "gpu-jobs",
      "cli-jobs": "cli-jobs",
      "cpu-jobs": "cpu-jobs",
      "predict-jobs": "predict-jobs",
    },
    queues: ["gpu-jobs"],
    gpuType: "cpu",
    concurrency: 1,
    workDir: "/tmp/edgehub-bench-trainer",
    yoloBin: path.join(ctx.root, "gpu-runner/test/yolo-double/yolo"),
    visibilityTimeoutMs: 60_000,
    pollIntervalMs: 20,
    shutdownGraceMs: 2000,
    sandbox: sandboxFromEnv(process.env),
  };
  const runner = new Runner(config, { train: trainExecutor }, []);
  await runner.start();
  const data = await seedDataset(ctx);
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  const delays: number[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // its first heartbeat
    for (let i = 0; i < STARTS; i++) {
      const model = await post(ctx, ctx.apiKey, "/api/models", {
        project: "bench-training",
        model: `cloud-${Date.now().toString(36)}`,
      });
      const start = await post(ctx, ctx.apiKey, "/api/training/start", {
        modelId: model.body.id,
        gpuType: "cpu",
        trainArgs: { model: "yolo11n.pt", data, epochs: 1 },
      });
      if (start.status !== 200) throw new Error(`training/start: ${start.status} ${JSON.stringify(start.body)}`);
      for (let wait = 0; wait < 600; wait++) {
        const { rows } = await client.query(
          `select extract(epoch from (r.started_at - j.created_at)) * 1000 as ms, m.status
           from jobs j join training_runs r on r.job_id = j.id join models m on m.id = j.model_id
           where j.model_id = $1 and j.kind = 'train'`,
          [model.body.id],
        );
        if (rows[0] && rows[0].status !== "running") {
          delays.push(Number(rows[0].ms));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await client.end();
    await runner.stop();
  }
  return { runs: delays.length, p50: median(delays), max: Math.max(...delays) };
}

export async function benchTraining(ctx: TrainingBenchContext) {
  const fmt = (n: number) => n.toFixed(1);
  const own = await ctx.makeKeys(RUNS);
  const capacity = await webhookIngest(ctx, own, 0, SECONDS);
  const paced = await webhookIngest(
    ctx,
    Array.from({ length: RUNS }, () => ctx.apiKey),
    2000,
    Math.max(SECONDS, 10),
  );
  console.log(`\nTraining webhooks, ${RUNS} simulated runs (epoch_end and console_output in turn):`);
  console.log("| load | events/s | p50 ms | p99 ms | refused (429) |\n|---|---|---|---|---|");
  console.log(
    `| as fast as answered, a key each | ${fmt(capacity.eventsPerSecond)} | ${fmt(capacity.p50)} | ${fmt(capacity.p99)} | ${capacity.refused} |`,
  );
  console.log(
    `| the package's pace (2 s), one key | ${fmt(paced.eventsPerSecond)} | ${fmt(paced.p50)} | ${fmt(paced.p99)} | ${paced.refused} |`,
  );
  const read = await readLatency(ctx, await ctx.makeKeys(8));
  console.log(
    `\nGET /api/models/{id}/training, a 300-epoch run: p50 ${fmt(read.plain.p50)} ms, p99 ${fmt(read.plain.p99)} ms; include=detail p50 ${fmt(read.detail.p50)} ms, p99 ${fmt(read.detail.p99)} ms`,
  );
  const start = await startToFirstEvent(ctx);
  console.log(
    `training/start -> training_started (no-op trainer, ${start.runs} runs): p50 ${fmt(start.p50)} ms, max ${fmt(start.max)} ms`,
  );
  return { capacity, paced, read, start };
}
