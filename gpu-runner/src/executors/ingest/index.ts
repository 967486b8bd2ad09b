import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Env } from "../../../../src/env";
import { openGuarded } from "../../../../src/net/guarded-fetch";
import { INGEST_BATCH, IngestSpec, type IngestImage } from "../../../../src/protocol/ingest";
import type { ApiClient, Claim } from "../../api-client";
import { describeStop, runSandboxed, type ChildPipes, type SandboxSettings } from "../../sandbox";
import type { Executor } from "../types";
import { INGEST_CAPS } from "./caps";
import { LINE_PREFIX, type ChildLine, type FetchReply } from "./lines";

const CHILD = path.join(import.meta.dirname, "child.ts");
const RUNNER_ROOT = path.resolve(import.meta.dirname, "../../..");
const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
const NODE_MODULES = TSX_CLI.slice(0, TSX_CLI.lastIndexOf("/node_modules/") + "/node_modules".length);
/** Per-file errors kept in the job's result; the count says how many there were. */
const KEPT_ERRORS = 100;
/** How long fetching a sourceUrl may take, body included. */
const SOURCE_TIMEOUT_MS = 60 * 60 * 1000;
/** PUTs of one batch in flight at once. */
const PUT_CONCURRENCY = 8;

/** The reader's limits: V8's heap cap (not RLIMIT_AS, which Node's reservations exceed) and its own caps. */
export function ingestLimits(settings: SandboxSettings): SandboxSettings & { heapMb: number } {
  return { ...settings, heapMb: 1024, memoryMb: 0, fileMb: 64 };
}

type Picture = Extract<ChildLine, { t: "image" }>;

/**
 * Reads a dataset archive in a sandboxed child (child.ts) and stores what it finds: each batch of
 * pictures goes up by hash (only the bytes EdgeHub lacks), then is committed with its labels.
 * The child's output is held while a batch is on its way, so the job folder never holds more than
 * a few batches of pictures.
 */
export const ingestExecutor: Executor = async ({ claim, api, log, workDir, config, signal, progress }) => {
  const spec = IngestSpec.parse(claim.job.spec);
  const archive = path.join(workDir, "source");
  let sourceName: string;
  if (spec.source.kind === "url") {
    sourceName = spec.source.url;
    await fetchSource(spec.source.url, archive, signal);
  } else {
    const input = claim.inputs.source;
    if (!input) throw new Error("An ingest job needs the source input");
    sourceName = input.name;
    await api.downloadToFile(input.url, archive, input.size);
  }
  const outDir = path.join(workDir, "out");
  mkdirSync(outDir, { recursive: true });
  const specFile = path.join(workDir, "spec.json");
  writeFileSync(specFile, JSON.stringify(spec));

  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const pump = new Pump(api, claim, outDir, progress, (error) => stop.abort(error), stop.signal);
  const limits = ingestLimits(config.sandbox);
  try {
    const exit = await runSandboxed(limits, {
      command: process.execPath,
      args: [TSX_CLI, CHILD, archive, outDir, specFile],
      jobDir: workDir,
      env: { NODE_OPTIONS: `--max-old-space-size=${limits.heapMb}` },
      readOnly: [RUNNER_ROOT, NODE_MODULES],
      signal: stop.signal,
      input: true,
      onLine: (line) => pump.take(line),
      onStart: (output) => pump.attach(output),
    });
    await pump.finish();
    if (pump.fatal)
      throw Object.assign(new Error(`could not ingest ${sourceName}: ${pump.fatal.error}`), {
        code: pump.fatal.code ?? "INGEST_FAILED",
      });
    if (exit.code !== 0) {
      const reason = describeStop(limits, exit) ?? `the reader exited with ${exit.signal ?? `code ${exit.code}`}`;
      throw Object.assign(new Error(`could not ingest ${sourceName}: ${reason}`), { code: "INGEST_FAILED" });
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  const result = pump.result();
  log(`${sourceName}: ${result.added} added, ${result.skipped} skipped, ${result.errorCount} file errors`);
  return { result };
};

/**
 * A `sourceUrl`, fetched by the runner itself (its sandboxed reader has no network) through the
 * API's own guard (src/net/guarded-fetch.ts: public addresses only, every redirect checked; the
 * runner's OUTBOUND_ALLOW_HOSTS and OUTBOUND_DNS_URL), streamed to disk under a byte cap.
 */
async function fetchSource(url: string, destination: string, signal: AbortSignal): Promise<void> {
  try {
    await fetchGuarded(url, destination, { field: "sourceUrl", maxBytes: INGEST_CAPS.sourceBytes, signal });
  } catch (error) {
    throw Object.assign(new Error((error as Error).message), { code: "INGEST_SOURCE" });
  }
}

/** How long one picture of an NDJSON source may take to fetch. */
const PICTURE_TIMEOUT_MS = 2 * 60 * 1000;

/** Streams a user-given URL to a file through the guard; throws `<field>: why` when refused or over the cap. */
async function fetchGuarded(
  url: string,
  destination: string,
  options: { field: string; maxBytes: number; signal: AbortSignal; timeoutMs?: number },
): Promise<void> {
  const { field, maxBytes, signal } = options;
  let response: Response;
  try {
    const timeoutMs = options.timeoutMs ?? SOURCE_TIMEOUT_MS;
    ({ response } = await openGuarded(process.env as unknown as Env, url, { field, timeoutMs }));
  } catch (error) {
    throw new Error((error as Error).message.replace(/^Invalid form: /, ""));
  }
  const tooLarge = () => new Error(`${field}: larger than ${maxBytes} bytes`);
  if (Number(response.headers.get("content-length") ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  let received = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(received > maxBytes ? tooLarge() : null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as never), cap, createWriteStream(destination), { signal });
}

/** Takes the child's lines, and sends its pictures in batches while it goes on reading. */
class Pump {
  private readonly queue: Picture[] = [];
  private output?: ChildPipes;
  private paused = false;
  private draining?: Promise<void>;
  private childDone = false;
  private failure?: unknown;
  private classes?: { classNames: string[]; kptShape: [number, number] | null };
  private total = 0;
  private processed = 0;
  private counts = { added: 0, skipped: 0, replaced: 0 };
  private readonly errors: { file: string; error: string }[] = [];
  private errorCount = 0;
  fatal?: { error: string; code?: string };

  constructor(
    private readonly api: ApiClient,
    private readonly claim: Claim,
    private readonly outDir: string,
    private readonly progress: (progress: Record<string, unknown>) => Promise<void>,
    private readonly abort: (error: unknown) => void,
    private readonly signal: AbortSignal,
  ) {}

  attach(output: ChildPipes): void {
    this.output = output;
  }

  /** An NDJSON picture the reader asks for: fetched through the guard into its folder, or why not. */
  private async fetchFor(line: Extract<ChildLine, { t: "fetch" }>): Promise<void> {
    const destination = path.join(this.outDir, `fetched-${line.n}`);
    let reply: FetchReply;
    try {
      await fetchGuarded(line.url, destination, {
        field: "url",
        maxBytes: INGEST_CAPS.imageBytes,
        timeoutMs: PICTURE_TIMEOUT_MS,
        signal: this.signal,
      });
      reply = { n: line.n, ok: true };
    } catch (error) {
      rmSync(destination, { force: true });
      reply = { n: line.n, error: (error as Error).message.slice(0, 300) };
    }
    this.output?.send(JSON.stringify(reply));
  }

  take(raw: string): void {
    if (!raw.startsWith(LINE_PREFIX)) return;
    const line = JSON.parse(raw.slice(LINE_PREFIX.length)) as ChildLine;
    if (line.t === "classes") this.classes = { classNames: line.classNames, kptShape: line.kptShape };
    else if (line.t === "total") this.total = line.images;
    else if (line.t === "skipped") this.noteError(line.file, line.error);
    else if (line.t === "fatal") this.fatal = { error: line.error, code: line.code };
    else if (line.t === "fetch") void this.fetchFor(line);
    else {
      if (line.error) this.noteError(line.originalPath, line.error);
      this.queue.push(line);
      if (this.queue.length >= 2 * INGEST_BATCH && !this.paused) (this.output?.pause(), (this.paused = true));
      this.drain();
    }
  }

  private noteError(file: string, error: string): void {
    this.errorCount++;
    if (this.errors.length < KEPT_ERRORS) this.errors.push({ file, error });
  }

  private drain(): void {
    if (this.draining || this.failure) return;
    if (this.queue.length < INGEST_BATCH && !(this.childDone && this.queue.length)) return;
    this.draining = (async () => {
      try {
        while (this.queue.length >= INGEST_BATCH || (this.childDone && this.queue.length)) {
          await this.send(this.queue.splice(0, INGEST_BATCH));
          if (this.paused && this.queue.length < INGEST_BATCH) (this.output?.resume(), (this.paused = false));
        }
      } catch (error) {
        this.failure = error;
        this.output?.resume();
        this.abort(error);
      } finally {
        this.draining = undefined;
      }
    })();
  }

  /** After the child exited: the last batch, and any error sending met. */
  async finish(): Promise<void> {
    this.childDone = true;
    this.drain();
    while (this.draining) await this.draining;
    if (this.failure) throw this.failure;
  }

  private async send(batch: Picture[]): Promise<void> {
    const distinct = [...new Map(batch.map((p) => [p.hash, p])).values()];
    const asked = await this.api.ingestBlobs(
      this.claim,
      distinct.map(({ hash, ext, bytes, width, height, thumbnailBytes }) => ({
        hash,
        ext: ext as never,
        bytes,
        width,
        height,
        thumbnailBytes,
      })),
    );
    const byHash = new Map(distinct.map((p) => [p.hash, p]));
    const uploads = [...asked.uploads];
    const worker = async () => {
      for (let next = uploads.shift(); next; next = uploads.shift()) {
        const picture = byHash.get(next.hash)!;
        if (next.thumbnailUrl)
          await this.api.putBlob(
            next.thumbnailUrl,
            this.file(picture.hash, "webp"),
            picture.thumbnailBytes,
            "image/webp",
          );
        await this.api.putBlob(next.imageUrl, this.file(picture.hash, picture.ext), picture.bytes, mime(picture.ext));
      }
    };
    await Promise.all(Array.from({ length: PUT_CONCURRENCY }, worker));
    const images: IngestImage[] = batch.map(({ hash, filename, originalPath, split, labels, error }) => ({
      hash,
      filename,
      originalPath,
      split,
      labels,
      error,
    }));
    const outcome = await this.api.commitImages(this.claim, {
      images,
      ...(this.classes ? { classNames: this.classes.classNames } : {}),
      ...(this.classes?.kptShape ? { kptShape: this.classes.kptShape } : {}),
    });
    this.counts.added += outcome.added;
    this.counts.skipped += outcome.skipped;
    this.counts.replaced += outcome.replaced;
    this.processed += batch.length;
    const later = new Set(this.queue.map((p) => p.hash));
    for (const picture of distinct) {
      if (later.has(picture.hash)) continue;
      rmSync(this.file(picture.hash, picture.ext), { force: true });
      rmSync(this.file(picture.hash, "webp"), { force: true });
    }
    await this.progress({ phase: "storing", images: this.total, processed: this.processed, ...this.counts });
  }

  private file(hash: string, ext: string): string {
    return path.join(this.outDir, `${hash}.${ext}`);
  }

  result() {
    return {
      images: this.total,
      ...this.counts,
      errorCount: this.errorCount,
      errors: this.errors,
      ...(this.classes ? { classNames: this.classes.classNames } : {}),
    };
  }
}

function mime(ext: string): string {
  return ({ jpg: "image/jpeg", tif: "image/tiff" } as Record<string, string>)[ext] ?? `image/${ext}`;
}
