/**
 * An NDJSON source, as the Platform exports datasets and `convert_ndjson_to_yolo` reads them
 * (CLIENTS.md §3): line 1 the dataset record `{type: "dataset", task, class_names, kpt_shape?}`,
 * then one image per line `{type: "image", file, url, split, annotations: {<key>: [[cls, ...]]}}`.
 * The reader has no network: it asks the executor for each picture (a `fetch` line) and reads
 * the file the executor leaves, so every download goes through the executor's guarded fetch.
 */
import { createReadStream, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { IngestSpec } from "../../../../src/protocol/ingest";
import { HostileArchiveError } from "../../archive/entries";
import { INGEST_CAPS } from "./caps";
import { baseName, extensionOf, isImage, mapClasses, parseLabelFile, splitOf } from "./layout";
import { say, type FetchReply } from "./lines";
import { DECODERS, Pool, reportPicture, type PictureSource } from "./picture-out";

/** A line longer than this (a picture's polygons) refuses the file: it would all be held in memory. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Pictures being fetched or decoded at once. */
const IN_FLIGHT = 2 * DECODERS;

type Rows = unknown;
interface DatasetRecord {
  task?: unknown;
  class_names?: unknown;
  kpt_shape?: unknown;
}

/** The file's lines as parsed JSON objects, with their line numbers; a line over the cap refuses the file. */
async function* records(file: string): AsyncGenerator<{ at: number; value: Record<string, unknown> | undefined }> {
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  let pending = 0;
  // readline has no line cap: count bytes between newlines as they stream past.
  stream.on("data", (chunk) => {
    const text = chunk as Buffer;
    const lastNewline = text.lastIndexOf(10);
    pending = lastNewline === -1 ? pending + text.length : text.length - lastNewline - 1;
    if (pending > MAX_LINE_BYTES)
      stream.destroy(new HostileArchiveError(`a line of the NDJSON is over ${MAX_LINE_BYTES} bytes`));
  });
  let at = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    at++;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    yield { at, value: value && typeof value === "object" && !Array.isArray(value) ? (value as never) : undefined };
  }
}

function classNamesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (!value || typeof value !== "object") return [];
  const byIndex = Object.entries(value as Record<string, unknown>)
    .map(([index, name]) => [Number(index), String(name)] as const)
    .filter(([index]) => Number.isInteger(index) && index >= 0 && index < 100_000);
  const names: string[] = [];
  for (const [index, name] of byIndex) names[index] = name;
  return Array.from(names, (name, index) => name ?? String(index));
}

function kptShapeOf(value: unknown): [number, number] | undefined {
  return Array.isArray(value) && value.length === 2 && value.every((n) => Number.isInteger(n) && n > 0)
    ? [value[0], value[1]]
    : undefined;
}

/** Asks the executor for pictures by URL, and takes its answers from stdin. */
class PictureFetcher {
  private next = 0;
  private readonly waiting = new Map<number, (reply: FetchReply) => void>();

  constructor(private readonly outDir: string) {
    createInterface({ input: process.stdin }).on("line", (line) => {
      const reply = JSON.parse(line) as FetchReply;
      this.waiting.get(reply.n)?.(reply);
      this.waiting.delete(reply.n);
    });
  }

  async fetch(url: string): Promise<Buffer | { error: string }> {
    const n = this.next++;
    const reply = await new Promise<FetchReply>((resolve) => {
      this.waiting.set(n, resolve);
      say({ t: "fetch", n, url });
    });
    if ("error" in reply) return { error: reply.error };
    const file = path.join(this.outDir, `fetched-${n}`);
    const bytes = readFileSync(file);
    rmSync(file);
    return bytes;
  }

  close(): void {
    process.stdin.destroy();
  }
}

export async function readNdjson(file: string, outDir: string, spec: IngestSpec): Promise<void> {
  let header: DatasetRecord | undefined;
  let total = 0;
  for await (const { at, value } of records(file)) {
    if (!header) {
      if (value?.type !== "dataset")
        throw new HostileArchiveError(`line ${at} of the NDJSON is not its dataset record ({"type": "dataset", ...})`);
      header = value;
    } else if (value?.type === "image" && ++total > INGEST_CAPS.entries)
      throw new HostileArchiveError(`the NDJSON exceeds the ingest cap on images (${INGEST_CAPS.entries})`);
  }
  if (!header) throw new HostileArchiveError("the NDJSON is empty");
  if (typeof header.task === "string" && header.task !== spec.task)
    throw new Error(`the NDJSON is a ${header.task} dataset; this dataset is ${spec.task}`);
  const mapped = mapClasses(spec.classNames, classNamesOf(header.class_names), spec.classMapping);
  const kptShape = spec.kptShape ?? kptShapeOf(header.kpt_shape) ?? null;
  say({ t: "classes", classNames: mapped.classNames, kptShape });
  say({ t: "total", images: total });

  const rules = { task: spec.task, classCount: mapped.classNames.length, kptShape };
  const fetcher = new PictureFetcher(outDir);
  const pool = new Pool(IN_FLIGHT);
  let first = true;
  for await (const { at, value } of records(file)) {
    if (first) {
      first = false;
      continue;
    }
    if (value?.type !== "image") {
      if (value?.type === undefined) say({ t: "skipped", file: `line ${at}`, error: "not an image record" });
      continue;
    }
    const source = pictureSource(value, at, spec, (rows, where) => {
      if (spec.task === "classify") {
        const classId = Array.isArray(rows) ? mapped.toDataset[Number(rows[0])] : undefined;
        return { labels: classId === undefined || classId === null ? [] : [{ classId }], problems: [] };
      }
      const text = Array.isArray(rows) ? rows.map((row) => (Array.isArray(row) ? row.join(" ") : "x")).join("\n") : "";
      return parseLabelFile(text, where, rules, mapped.toDataset);
    });
    if (typeof source === "string") {
      say({ t: "skipped", file: `line ${at}`, error: source });
      continue;
    }
    const url = value.url as string;
    await pool.run(async () => {
      const bytes = await fetcher.fetch(url);
      if (Buffer.isBuffer(bytes)) await reportPicture(outDir, bytes, source);
      else say({ t: "skipped", file: source.originalPath, error: bytes.error });
    });
  }
  await pool.drain();
  fetcher.close();
}

/** An image record as a picture to fetch, or why it cannot be one. */
function pictureSource(
  record: Record<string, unknown>,
  at: number,
  spec: IngestSpec,
  labelsOf: (rows: Rows, where: string) => { labels: PictureSource["labels"]; problems: string[] },
): PictureSource | string {
  const file = typeof record.file === "string" ? record.file.replace(/\\/g, "/") : "";
  const filename = baseName(file).slice(0, 255);
  if (!filename || !isImage(filename)) return `file: ${JSON.stringify(file.slice(0, 100))} is not a picture's name`;
  const url = record.url;
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return `${filename}: url must be an http(s) URL`;
  const annotations = (record.annotations ?? {}) as Record<string, Rows>;
  const key = spec.task === "classify" ? "classification" : Object.keys(annotations)[0];
  const where = `${filename} (line ${at})`;
  const { labels, problems } = key ? labelsOf(annotations[key], where) : { labels: [], problems: [] };
  return {
    ext: extensionOf(filename),
    filename,
    originalPath: file.slice(0, 1024),
    split: spec.targetSplit ?? splitOf(`${String(record.split ?? "")}/x`) ?? "train",
    labels,
    problems,
  };
}
