/**
 * Datasets at scale (BENCH_ONLY=datasets): the image list of a 100,000-image dataset (first page,
 * a deep offset, a cursor page, a class filter, a sort) beside the one-query floor, the NDJSON
 * export of that dataset, and an ingest of a 2,000-picture archive through the runner beside
 * `unzip` of the same archive, with the reader's peak memory.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import sharp from "sharp";
import { zipOf } from "../gpu-runner/test/archives";
import { interleave, median, percentile, type Sample, type Target } from "./lib/load";

export interface BenchContext {
  root: string;
  baseUrl: string;
  apiKey: string;
  databaseUrl: string;
  floor: string;
  seconds: number;
  rounds: number;
  keyed: () => (i: number) => Record<string, string>;
}

const IMAGES = Number(process.env.BENCH_IMAGES ?? 100_000);
const ARCHIVE_PICTURES = Number(process.env.BENCH_ARCHIVE_PICTURES ?? 2_000);

/** fetch, once more when a kept-alive connection was closed while this process was busy (a spawnSync). */
async function fetchAgain(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

async function api(ctx: BenchContext, method: string, pathname: string, json?: unknown) {
  const response = await fetchAgain(`${ctx.baseUrl}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${ctx.apiKey}`, ...(json ? { "Content-Type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** A dataset of IMAGES rows made in SQL (pictures by made-up hashes, random boxes of 8 classes). */
async function seedDataset(ctx: BenchContext): Promise<string> {
  const created = await api(ctx, "POST", "/api/datasets", {
    name: `Bench ${Date.now()}`,
    classNames: ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"],
  });
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  const started = Date.now();
  await client.query(
    `insert into image_blobs (hash, ext, bytes, width, height)
     select encode(sha256(('bench' || $2 || g)::bytea), 'hex'), 'jpg', 20000 + g % 50000, 320 + g % 1280, 240 + g % 720
     from generate_series(1, $1) g on conflict do nothing`,
    [IMAGES, created.id],
  );
  await client.query(
    `insert into dataset_images (id, dataset_id, workspace_id, hash, filename, split, ext, width, height, bytes,
       labels, label_count, class_ids)
     select substr(md5(random()::text || g), 1, 24), $2, d.workspace_id,
       encode(sha256(('bench' || $2 || g)::bytea), 'hex'), 'img_' || g || '.jpg',
       (array['train','train','train','val','test'])[1 + g % 5], 'jpg', 320 + g % 1280, 240 + g % 720,
       20000 + g % 50000,
       jsonb_build_array(jsonb_build_object('classId', g % 8, 'bbox', jsonb_build_array(0.5, 0.5, 0.2, 0.2)),
                         jsonb_build_object('classId', (g / 8) % 8, 'bbox', jsonb_build_array(0.3, 0.3, 0.1, 0.1))),
       2, array[least(g % 8, (g / 8) % 8), greatest(g % 8, (g / 8) % 8)]::int[]
     from generate_series(1, $1) g, datasets d where d.id = $2`,
    [IMAGES, created.id],
  );
  // The dataset's counters, as recountDataset keeps them.
  await client.query(
    `update datasets set image_count = c.total, updated_at = now(),
       splits = jsonb_build_object('train', c.train, 'val', c.val, 'test', c.test, 'labeled', c.labeled)
     from (select count(*) total, count(*) filter (where split = 'train') train,
             count(*) filter (where split = 'val') val, count(*) filter (where split = 'test') test,
             count(*) filter (where label_count > 0) labeled
           from dataset_images where dataset_id = $1) c
     where id = $1`,
    [created.id],
  );
  await client.query("analyze dataset_images");
  await client.end();
  console.log(`  seeded ${IMAGES} images in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return created.id;
}

function summarize(samples: Sample[]) {
  return {
    p50: median(samples.map((s) => percentile(s.latenciesMs, 50))),
    p99: median(samples.map((s) => percentile(s.latenciesMs, 99))),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
  };
}

async function listLatency(ctx: BenchContext, datasetId: string) {
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  const middle = (
    await client.query(
      `select id from dataset_images where dataset_id = $1 order by created_at desc, id desc offset $2 limit 1`,
      [datasetId, Math.floor(IMAGES / 2)],
    )
  ).rows[0].id as string;
  await client.end();
  // The floor: the first page's own query, through the bare driver, behind one Durable Object call.
  const sql = `select * from dataset_images where dataset_id = $1 order by created_at desc, id desc limit 51`;
  await fetch(`${ctx.floor}/read-statement`, { method: "POST", body: JSON.stringify({ sql, params: [datasetId] }) });
  const base = `${ctx.baseUrl}/api/datasets/${datasetId}/images`;
  const targets: Record<string, Target> = {
    "first page (50, thumbnails)": { url: `${base}?limit=50`, headers: ctx.keyed() },
    "first page (50, no URLs, no total)": {
      url: `${base}?limit=50&includeThumbnails=false&includeTotal=false`,
      headers: ctx.keyed(),
    },
    [`deep offset (${IMAGES - 1000})`]: {
      url: `${base}?limit=50&offset=${IMAGES - 1000}&includeThumbnails=false`,
      headers: ctx.keyed(),
    },
    // An offset past the middle is read from the far end: the middle is the worst case.
    [`middle offset (${IMAGES / 2})`]: {
      url: `${base}?limit=50&offset=${IMAGES / 2}&includeThumbnails=false`,
      headers: ctx.keyed(),
    },
    "cursor page (middle)": { url: `${base}?limit=50&cursor=${middle}&includeThumbnails=false`, headers: ctx.keyed() },
    "class filter (classIds=3)": { url: `${base}?limit=50&classIds=3&includeThumbnails=false`, headers: ctx.keyed() },
    "sort size-desc": { url: `${base}?limit=50&sort=size-desc&includeThumbnails=false`, headers: ctx.keyed() },
    "floor: DO call + the first page's query": { url: `${ctx.floor}/db-read` },
  };
  const samples: Record<string, Sample[]> = {};
  for (let round = 0; round < ctx.rounds; round++) {
    await interleave(targets, 0.5);
    const measured = await interleave(targets, ctx.seconds);
    for (const [name, sample] of Object.entries(measured)) (samples[name] ??= []).push(sample);
  }
  return Object.entries(samples).map(([name, list]) => ({ name, ...summarize(list) }));
}

/**
 * A version of the 100,000 images: over NDJSON_RUNNER_FROM, its file is written by the dev runner
 * (the link answers 409 meanwhile), so the time is from the POST to the first 200 of its link.
 */
async function exportTiming(ctx: BenchContext, datasetId: string) {
  const started = Date.now();
  const made = await api(ctx, "POST", `/api/datasets/${datasetId}/export`, { description: "bench" });
  // Downloaded as a client would, through the same signed link.
  for (;;) {
    const response = await fetchAgain(made.downloadUrl);
    if (response.status === 200) {
      const seconds = (Date.now() - started) / 1000;
      return { seconds, bytes: (await response.arrayBuffer()).byteLength };
    }
    await response.body?.cancel();
    if (response.status !== 409) throw new Error(`export: ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function makeArchive(dir: string): Promise<string> {
  const items = [{ name: "data.yaml", data: "names: [a, b]\n" }] as { name: string; data: Buffer | string }[];
  for (let i = 0; i < ARCHIVE_PICTURES; i++) {
    const noise = Buffer.alloc(160 * 120 * 3);
    for (let p = 0; p < noise.length; p++) noise[p] = (p * 31 + i * 17) & 255;
    const jpg = await sharp(noise, { raw: { width: 160, height: 120, channels: 3 } })
      .jpeg({ quality: 80 })
      .toBuffer();
    const split = i % 5 === 0 ? "val" : "train";
    items.push({ name: `images/${split}/p${i}.jpg`, data: jpg });
    items.push({ name: `labels/${split}/p${i}.txt`, data: `${i % 2} 0.5 0.5 0.25 0.25\n` });
  }
  const file = path.join(dir, "bench.zip");
  writeFileSync(file, zipOf(items));
  return file;
}

/** The reader alone, for its peak memory (the runner's child in the job). */
function readerPeak(ctx: BenchContext, archive: string, dir: string) {
  const out = path.join(dir, "out");
  execFileSync("mkdir", ["-p", out]);
  const spec = path.join(dir, "spec.json");
  writeFileSync(
    spec,
    JSON.stringify({
      datasetId: "dst_bench",
      task: "detect",
      classNames: [],
      kptShape: null,
      source: { kind: "upload", filename: "bench.zip" },
      targetSplit: null,
      classMapping: null,
    }),
  );
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const child = path.join(ctx.root, "gpu-runner/src/executors/ingest/child.ts");
  const started = Date.now();
  const run = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, tsx, child, archive, out, spec], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  const peakKb = Number(run.stderr.trim().split("\n").pop());
  return { seconds, peakMb: peakKb / 1024 };
}

async function ingestTiming(ctx: BenchContext) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-ingest-"));
  try {
    const archive = await makeArchive(dir);
    const size = statSync(archive).size;
    const unzipStart = Date.now();
    execFileSync("unzip", ["-q", archive, "-d", path.join(dir, "unzipped")]);
    const unzipSeconds = (Date.now() - unzipStart) / 1000;
    const reader = readerPeak(ctx, archive, dir);

    const dataset = await api(ctx, "POST", "/api/datasets", { name: `Ingest ${Date.now()}`, task: "detect" });
    const session = await api(ctx, "POST", "/api/upload/signed-url", {
      assetType: "datasets",
      assetId: dataset.id,
      filename: "bench.zip",
      contentType: "application/zip",
      totalBytes: size,
    });
    const bytes = (await import("node:fs")).readFileSync(archive);
    const parts = session.parts ?? [{ partNumber: 1, size, uploadUrl: session.uploadUrl }];
    for (const part of parts) {
      const start = (part.partNumber - 1) * (session.partSize ?? 0);
      await fetchAgain(part.uploadUrl, {
        method: "PUT",
        headers: { "Content-Type": "application/zip" },
        body: bytes.subarray(start, start + part.size),
      });
    }
    await api(ctx, "POST", "/api/upload/complete", { sessionId: session.sessionId });
    const started = Date.now();
    const job = await api(ctx, "POST", "/api/datasets/ingest", { datasetId: dataset.id, sessionId: session.sessionId });
    for (;;) {
      const current = (await api(ctx, "GET", `/api/jobs/${job.jobId}`)).job;
      if (current.status === "completed") break;
      if (current.status === "failed" || current.status === "cancelled")
        throw new Error(`ingest ${current.status}: ${JSON.stringify(current.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    return { pictures: ARCHIVE_PICTURES, mb: size / 1024 / 1024, seconds, unzipSeconds, reader };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDatasets(ctx: BenchContext) {
  const fmt = (n: number) => n.toFixed(1);
  const datasetId = await seedDataset(ctx);
  const rows = await listLatency(ctx, datasetId);
  console.log(
    `\n| image list, ${IMAGES.toLocaleString("en-US")} images | p50 ms | p99 ms | errors |\n|---|---|---|---|`,
  );
  for (const row of rows) console.log(`| ${row.name} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${row.errors} |`);
  const exported = await exportTiming(ctx, datasetId);
  console.log(
    `\nNDJSON version of ${IMAGES.toLocaleString("en-US")} images: ${fmt(exported.seconds)} s, ${(exported.bytes / 1024 / 1024).toFixed(1)} MiB`,
  );
  const ingest = await ingestTiming(ctx);
  console.log(
    `ingest of ${ingest.pictures} pictures (${fmt(ingest.mb)} MiB zip) through the runner: ${fmt(ingest.seconds)} s = ${fmt(ingest.pictures / ingest.seconds)} pictures/s; unzip of the same archive: ${fmt(ingest.unzipSeconds)} s; the reader alone: ${fmt(ingest.reader.seconds)} s, peak RSS ${fmt(ingest.reader.peakMb)} MB`,
  );
}
