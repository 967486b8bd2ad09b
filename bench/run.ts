/**
 * `npm run bench` (with `npm run dev` running): API latency and throughput beside the floors a
 * bench Worker measures in the same run, then a large upload through signed multipart URLs
 * beside the same parts streamed into R2 with no auth, and `cp` of the file.
 *   BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS (default 3), BENCH_UPLOAD_MB (default 1024),
 *   BENCH_ONLY=requests|uploads|jobs|sandbox|datasets|training runs one part (datasets: BENCH_IMAGES, BENCH_ARCHIVE_PICTURES) (npm run bench:sandbox: the sandbox alone, no stack); BENCH_JOBS (default 200) no-op jobs per dispatch run.
 * The job part (bench/jobs.ts) wants the dev stack started with EDGEHUB_RUNNER=0.
 */
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Placeholder } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { generateApiKey } from "../src/auth/api-key";
import { newApiKeyRow } from "../src/db/identity";
import type { Database } from "../src/db/client";
import { projectDetailQuery } from "../src/db/projects";
import { apiKeys } from "../src/db/schema";
import { benchDatasets } from "./datasets";
import { benchJobs } from "./jobs";
import { benchSandbox } from "./sandbox";
import { benchTraining } from "./training";
import { interleave, median, percentile, run, type Sample, type Target } from "./lib/load";
import { pool, putRange, sampleMemory } from "./lib/upload";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
const ONLY = process.env.BENCH_ONLY;
const FLOOR_PORT = 8790;
/** Requests per key or client IP before rotating: under the 100/min limit, so limits never interfere. */
const PER_IDENTITY = 90;

const dev = JSON.parse(readFileSync(path.join(root, ".edgehub/dev.json"), "utf8")) as {
  baseUrl: string;
  apiKey: string;
  userId: string;
  username: string;
};
const envFile = path.join(root, ".edgehub/dev.env");
const devEnv = Object.fromEntries(
  readFileSync(envFile, "utf8")
    .trim()
    .split("\n")
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);
const floor = `http://127.0.0.1:${FLOOR_PORT}`;

async function waitFor(url: string) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer`);
}

function startFloorWorker() {
  const child = spawn(
    path.join(root, "node_modules/.bin/wrangler"),
    [
      "dev",
      "-c",
      "bench/floor-worker/wrangler.toml",
      "--ip",
      "127.0.0.1",
      "--port",
      String(FLOOR_PORT),
      "--env-file",
      envFile,
      "--persist-to",
      path.join(root, ".edgehub/bench-wrangler"),
      "--log-level",
      "error",
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: root,
      detached: true,
      stdio: "ignore",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    },
  );
  return () => {
    // SIGINT is what wrangler handles by stopping its workerd; sweep any survivor too.
    try {
      if (child.pid) process.kill(-child.pid, "SIGINT");
    } catch {
      // already gone
    }
    spawn("pkill", ["-9", "-f", `entry=127.0.0.1:${FLOOR_PORT}`]);
  };
}

/** Enough API keys for the dev user that no key passes the per-minute limit during the run. */
async function makeKeys(count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: devEnv.DATABASE_URL });
  await client.connect();
  const db = drizzle(client);
  const [{ workspace_id: workspaceId }] = (
    await client.query("select personal_workspace_id as workspace_id from users where id = $1", [dev.userId])
  ).rows;
  const keys = Array.from({ length: count }, () => generateApiKey());
  const rows = await Promise.all(
    keys.map((key) => newApiKeyRow(key, { workspaceId, userId: dev.userId, name: "bench" })),
  );
  for (let i = 0; i < rows.length; i += 200) await db.insert(apiKeys).values(rows.slice(i, i + 200));
  await client.end();
  return keys;
}

interface Row {
  name: string;
  p50: number;
  p99: number;
  rps: number;
  /** Answers >= 400 across all runs: a benchmark of failures would flatter the figures. */
  errors: number;
  timing: Record<string, number>;
}

function summarize(name: string, latency: Sample[], throughput: Sample[]): Row {
  const timing: Record<string, number> = {};
  for (const metric of Object.keys(latency[0]?.serverTiming ?? {}))
    timing[metric] = median(latency.map((s) => median(s.serverTiming[metric] ?? [])));
  return {
    name,
    p50: median(latency.map((s) => percentile(s.latenciesMs, 50))),
    p99: median(latency.map((s) => percentile(s.latenciesMs, 99))),
    rps: median(throughput.map((s) => s.requests / s.seconds)),
    errors: [...latency, ...throughput].reduce((sum, s) => sum + s.errors, 0),
    timing,
  };
}

async function benchRequests() {
  const { id: projectId } = (await (
    await fetch(`${dev.baseUrl}/api/projects`, {
      method: "POST",
      headers: { Authorization: `Bearer ${dev.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ project: `bench-${Date.now()}` }),
    })
  ).json()) as { id: string };

  // Each key and each client IP serves PER_IDENTITY consecutive requests of the whole run, then is
  // never used again, so the per-minute limits never interfere with the figures.
  const keyedSeconds = 4 * ROUNDS * (1 + 2 * SECONDS);
  const keys = await makeKeys(Math.ceil((keyedSeconds * 600) / PER_IDENTITY));
  let keyUses = 0;
  let ipUses = 0;
  const keyed = () => () => {
    const index = Math.floor(keyUses++ / PER_IDENTITY);
    if (index >= keys.length) throw new Error("bench ran out of API keys: raise the estimate in bench/run.ts");
    return { Authorization: `Bearer ${keys[index]}` };
  };
  const anonymous = () => () => {
    const n = Math.floor(ipUses++ / PER_IDENTITY);
    return { "cf-connecting-ip": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
  };
  const trainedProjectId = await trainedProject((await makeKeys(1))[0]!);
  // The floor's "same query" target runs the SQL the API's project read sends, through the bare driver.
  const statement = projectDetailQuery(drizzle.mock() as unknown as Database, "id:viewer").toSQL();
  const values: Record<string, unknown> = { id: projectId, userId: dev.userId, limit: 100 };
  const params = statement.params.map((param) => (param instanceof Placeholder ? values[param.name] : param));
  await fetch(`${floor}/read-statement`, { method: "POST", body: JSON.stringify({ sql: statement.sql, params }) });

  // Warm every key's gate once, so the run measures the steady state (identity cached).
  await pool(
    8,
    keys.map(
      (key) => () =>
        fetch(`${dev.baseUrl}/api/health`, { headers: { Authorization: `Bearer ${key}` } }).then((r) =>
          r.arrayBuffer(),
        ),
    ),
  );

  const targets: Record<string, () => Target> = {
    "API GET /api/projects/{id} (key)": () => ({ url: `${dev.baseUrl}/api/projects/${projectId}`, headers: keyed() }),
    "API GET trained project /api/projects/{id} (20 models x 300 epochs, key)": () => ({
      url: `${dev.baseUrl}/api/projects/${trainedProjectId}`,
      headers: keyed(),
    }),
    "API GET /api/projects?limit=20 (key)": () => ({ url: `${dev.baseUrl}/api/projects?limit=20`, headers: keyed() }),
    "API GET /api/health (anonymous)": () => ({ url: `${dev.baseUrl}/api/health`, headers: anonymous() }),
    // Authenticated and counted by the limiter, then refused by validation before any database work.
    "API gate only: ?limit=0 (key, 400)": () => ({
      url: `${dev.baseUrl}/api/projects?limit=0`,
      headers: keyed(),
      expectStatus: 400,
    }),
    "floor: Hono JSON": () => ({ url: `${floor}/json` }),
    "floor: + one DO call": () => ({ url: `${floor}/do` }),
    "floor: + DO call + one query": () => ({ url: `${floor}/db/${projectId}` }),
    "floor: + DO call + one query by fetch": () => ({ url: `${floor}/db-http/${projectId}` }),
    "floor: + DO call + one query over a WebSocket session": () => ({ url: `${floor}/db-websocket/${projectId}` }),
    "floor: + DO call + the read's own query": () => ({ url: `${floor}/db-read` }),
    // The same statement named, as the API sends it: prepared once per server session (over a WebSocket session; HTTP drops names).
    "floor: + DO call + the read's own query, prepared": () => ({ url: `${floor}/db-read-prepared` }),
  };
  const latency: Record<string, Sample[]> = {};
  const throughput: Record<string, Sample[]> = {};
  const names = Object.keys(targets);
  for (let round = 0; round < ROUNDS; round++) {
    const built = Object.fromEntries(names.map((name) => [name, targets[name]!()]));
    await interleave(built, 0.5); // warm
    const latencies = await interleave(built, SECONDS);
    for (const name of names) (latency[name] ??= []).push(latencies[name]!);
    const order = round % 2 ? [...names].reverse() : names; // alternate so drift hits every target alike
    for (const name of order) (throughput[name] ??= []).push(await run(built[name]!, SECONDS, 10));
    console.log(`  round ${round + 1}/${ROUNDS} done`);
  }
  // Into the trash: the next run's project list measures the same projects, not every run's.
  for (const id of [projectId, trainedProjectId])
    await fetch(`${dev.baseUrl}/api/projects/${id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${dev.apiKey}` },
    });
  return Object.keys(targets).map((name) => summarize(name, latency[name]!, throughput[name]!));
}

/** A project of 20 trained models with 300 epochs of results each: a read that must not haul the results. */
async function trainedProject(key: string): Promise<string> {
  const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
  const post = async (path: string, json: unknown) => {
    const response = await fetch(`${dev.baseUrl}${path}`, { method: "POST", headers, body: JSON.stringify(json) });
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const { id } = await post("/api/projects", { project: `bench-trained-${Date.now()}` });
  const metrics = Object.fromEntries(
    ["box_loss", "cls_loss", "dfl_loss", "precision(B)", "recall(B)", "mAP50(B)", "mAP50-95(B)", "lr"].map((name) => [
      `metrics/${name}`,
      0.123456789,
    ]),
  );
  const trainResults = Array.from({ length: 300 }, (_, epoch) => ({ epoch: epoch + 1, fitness: 0.5, metrics }));
  for (let m = 0; m < 20; m++) await post("/api/models", { projectId: id, model: `trained-${m}`, trainResults });
  return id;
}

function makeFile(mb: number): string {
  const file = `/tmp/edgehub-bench-${mb}m.bin`;
  if (existsSync(file) && statSync(file).size === mb * 1024 * 1024) return file;
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  for (let written = 0; written < mb * 1024 * 1024; written += chunk.length) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
  return file;
}

const PART = 64 * 1024 * 1024;
/** Parts go up one at a time: Miniflare's local R2 holds a part in the isolate's heap while it lands. */
const PARALLEL_PARTS = 1;

async function uploadThroughApi(file: string, size: number, key: string) {
  const memory = sampleMemory("--port 8787");
  const start = performance.now();
  const session = (await (
    await fetch(`${dev.baseUrl}/api/upload/signed-url`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      // A dataset archive: the usual large upload (and one that needs no model to target).
      body: JSON.stringify({
        assetType: "datasets",
        assetId: "bench",
        filename: "bench.zip",
        contentType: "application/zip",
        totalBytes: size,
      }),
    })
  ).json()) as {
    sessionId: string;
    uploadUrl: string;
    parts?: { partNumber: number; size: number; uploadUrl: string }[];
    error?: string;
  };
  if (!session.sessionId) throw new Error(`signed-url: ${session.error}`);
  const parts = session.parts ?? [{ partNumber: 1, size, uploadUrl: session.uploadUrl }];
  await pool(
    PARALLEL_PARTS,
    parts.map(
      (part) => () => putRange(part.uploadUrl, file, (part.partNumber - 1) * PART, part.size, "application/zip"),
    ),
  );
  const done = await fetch(`${dev.baseUrl}/api/upload/complete`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ sessionId: session.sessionId }),
  });
  if (!done.ok) throw new Error(`complete: ${await done.text()}`);
  return { seconds: (performance.now() - start) / 1000, ...memory() };
}

async function uploadToFloor(file: string, size: number) {
  const memory = sampleMemory(`--port ${FLOOR_PORT}`);
  const start = performance.now();
  const key = `bench-${Date.now()}`;
  const { uploadId } = (await (await fetch(`${floor}/mpu?key=${key}`, { method: "POST" })).json()) as {
    uploadId: string;
  };
  const count = Math.ceil(size / PART);
  const parts = await pool(
    PARALLEL_PARTS,
    Array.from(
      { length: count },
      (_, i) => () =>
        putRange(
          `${floor}/mpu/${uploadId}/${i + 1}?key=${key}`,
          file,
          i * PART,
          Math.min(PART, size - i * PART),
          "application/octet-stream",
        ).then((text) => JSON.parse(text)),
    ),
  );
  await fetch(`${floor}/mpu/${uploadId}/complete?key=${key}`, { method: "POST", body: JSON.stringify(parts) });
  return { seconds: (performance.now() - start) / 1000, ...memory() };
}

function copyFile(file: string) {
  const start = performance.now();
  execFileSync("cp", [file, `${file}.copy`]);
  const seconds = (performance.now() - start) / 1000;
  rmSync(`${file}.copy`);
  return { seconds };
}

async function benchUploads() {
  const sizes = UPLOAD_MB > 256 ? [256, UPLOAD_MB] : [UPLOAD_MB];
  const keys = await makeKeys(sizes.length * ROUNDS);
  const results = [];
  for (const mb of sizes) {
    const file = makeFile(mb);
    const size = mb * 1024 * 1024;
    const api = [];
    const raw = [];
    const cp = [];
    for (let round = 0; round < ROUNDS; round++) {
      api.push(await uploadThroughApi(file, size, keys.pop()!));
      raw.push(await uploadToFloor(file, size));
      cp.push(copyFile(file));
    }
    const mbps = (runs: { seconds: number }[]) => mb / median(runs.map((r) => r.seconds));
    results.push({
      mb,
      apiMBps: mbps(api),
      floorMBps: mbps(raw),
      cpMBps: mbps(cp),
      apiPeakRssMb: Math.max(...api.map((r) => r.peakMb)),
      apiBaselineRssMb: median(api.map((r) => r.baselineMb)),
      floorPeakRssMb: Math.max(...raw.map((r) => r.peakMb)),
    });
    console.log(`  upload ${mb} MiB done`);
  }
  return results;
}

async function main() {
  await waitFor(`${dev.baseUrl}/api/health`).catch(() => {
    throw new Error("Start the platform first: npm run dev");
  });
  const stopFloor = startFloorWorker();
  try {
    await waitFor(`${floor}/json`);
    console.log(
      `EdgeHub bench: ${ROUNDS} rounds x ${SECONDS} s, medians across rounds (latency at c=1, req/s at c=10)`,
    );
    if (ONLY === "training") {
      await benchTraining({
        root,
        baseUrl: dev.baseUrl,
        apiKey: dev.apiKey,
        username: dev.username,
        databaseUrl: devEnv.DATABASE_URL!,
        runnerToken: devEnv.RUNNER_TOKEN!,
        makeKeys,
      });
      return;
    }
    if (ONLY === "datasets") {
      // Enough keys that none passes the per-minute limit: about 100 requests a second for the whole part.
      const keys = await makeKeys(Math.ceil((ROUNDS * (SECONDS + 0.5) * 6 * 150) / PER_IDENTITY) + 10);
      let uses = 0;
      await benchDatasets({
        root,
        baseUrl: dev.baseUrl,
        apiKey: dev.apiKey,
        databaseUrl: devEnv.DATABASE_URL!,
        floor,
        seconds: SECONDS,
        rounds: ROUNDS,
        keyed: () => () => ({ Authorization: `Bearer ${keys[Math.floor(uses++ / PER_IDENTITY) % keys.length]}` }),
      });
      return;
    }
    const rows = ONLY === "uploads" || ONLY === "jobs" || ONLY === "sandbox" ? [] : await benchRequests();
    const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");
    console.log(
      "\n| route | p50 ms | p99 ms | req/s c=10 | errors | Server-Timing p50 (ms) |\n|---|---|---|---|---|---|",
    );
    for (const row of rows) {
      const timing = Object.entries(row.timing)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(", ");
      console.log(`| ${row.name} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${fmt(row.rps)} | ${row.errors} | ${timing} |`);
    }
    // A whole name first: "the read's own query" is also the start of "the read's own query, prepared".
    const by = (prefix: string) =>
      (rows.find((row) => row.name === prefix) ?? rows.find((row) => row.name.startsWith(prefix)))!;
    if (rows.length) {
      const read = by("API GET /api/projects/{id}");
      const list = by("API GET /api/projects?limit");
      const floorDo = by("floor: + one DO");
      const floorDb = by("floor: + DO call + one query");
      const floorFetch = by("floor: + DO call + one query by fetch");
      const floorWebSocket = by("floor: + DO call + one query over a WebSocket");
      const floorRead = by("floor: + DO call + the read's own query");
      const floorReadPrepared = by("floor: + DO call + the read's own query, prepared");
      const gateOnly = by("API gate only");
      console.log(
        `\nread / one-query floor (p50): ${(read.p50 / floorDb.p50).toFixed(2)}x   list / floor: ${(list.p50 / floorDb.p50).toFixed(2)}x   (target <= 1.2x)`,
      );
      console.log(
        `read / floor running the read's own SQL raw (p50): ${(read.p50 / floorRead.p50).toFixed(2)}x   the same SQL prepared, as the API sends it: ${(read.p50 / floorReadPrepared.p50).toFixed(2)}x   (what EdgeHub adds around the same statement)`,
      );
      console.log(
        `the API's database transport: ${devEnv.DB_HTTP_QUERIES === "false" ? "WebSocket session per request" : "SQL over HTTP"} (the one-query floors above use it)`,
      );
      console.log(
        `read / one query by fetch: ${(read.p50 / floorFetch.p50).toFixed(2)}x   read / one query over a WebSocket session: ${(read.p50 / floorWebSocket.p50).toFixed(2)}x`,
      );
      console.log(
        `auth + rate limit (gate-only request) beyond one DO call (p50): ${fmt(gateOnly.p50 - floorDo.p50)} ms (target <= 1 ms)`,
      );
      console.log(`everything a read adds beyond one DO call and one query (p50): ${fmt(read.p50 - floorDb.p50)} ms`);
    }

    let uploads: Awaited<ReturnType<typeof benchUploads>> = [];
    if (UPLOAD_MB > 0 && (ONLY === undefined || ONLY === "uploads")) {
      uploads = await benchUploads();
      console.log(
        "\n| file | API signed multipart MB/s | floor (raw R2 multipart) MB/s | API / floor | cp MB/s | workerd RSS API peak (baseline) | floor peak |\n|---|---|---|---|---|---|---|",
      );
      for (const u of uploads) {
        console.log(
          `| ${u.mb} MiB | ${fmt(u.apiMBps)} | ${fmt(u.floorMBps)} | ${((u.apiMBps / u.floorMBps) * 100).toFixed(0)} % | ${fmt(u.cpMBps)} | ${fmt(u.apiPeakRssMb)} (${fmt(u.apiBaselineRssMb)}) MB | ${fmt(u.floorPeakRssMb)} MB |`,
        );
      }
    }
    const jobs =
      ONLY === undefined || ONLY === "jobs"
        ? await benchJobs({ baseUrl: dev.baseUrl, runnerToken: devEnv.RUNNER_TOKEN! }, makeKeys)
        : undefined;
    if (ONLY === undefined || ONLY === "sandbox") await benchSandbox();
    const out = path.join(root, `.edgehub/bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(out, JSON.stringify({ seconds: SECONDS, rounds: ROUNDS, rows, uploads, jobs }, null, 2));
    console.log(`\nraw results: ${path.relative(root, out)}`);
  } finally {
    stopFloor();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
