/**
 * The ingest reader (executors/ingest/child.ts) as the executor runs it: a child process reading
 * archives this test builds with real pictures (made by sharp), honest and hostile. The executor's
 * batching against the real API is in e2e.test.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deflateRawSync } from "node:zlib";
import type { IngestSpec } from "../../src/protocol/ingest";
import { LINE_PREFIX, type ChildLine, type FetchReply } from "../src/executors/ingest/lines";
import { tarOf, zipClaiming, zipOf, type ArchiveItem } from "./archives";

const CHILD = path.join(import.meta.dirname, "../src/executors/ingest/child.ts");
const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
let dir: string;
let jpg: Buffer;
let png: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ingest-test-"));
  jpg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#c33" } })
    .jpeg()
    .toBuffer();
  png = await sharp({ create: { width: 20, height: 30, channels: 4, background: "#3c3" } })
    .png()
    .toBuffer();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;

function read(archive: Buffer, spec: Partial<IngestSpec> = {}) {
  const run = path.join(dir, `run-${runs++}`);
  const out = path.join(run, "out");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(run, "archive"), archive);
  const full: IngestSpec = {
    datasetId: "dst_test",
    task: "detect",
    classNames: [],
    kptShape: null,
    source: { kind: "upload", filename: "a.zip" },
    targetSplit: null,
    classMapping: null,
    ...spec,
  };
  writeFileSync(path.join(run, "spec.json"), JSON.stringify(full));
  const child = spawnSync(
    process.execPath,
    [TSX_CLI, CHILD, path.join(run, "archive"), out, path.join(run, "spec.json")],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = child.stdout
    .split("\n")
    .filter((line) => line.startsWith(LINE_PREFIX))
    .map((line) => JSON.parse(line.slice(LINE_PREFIX.length)) as ChildLine);
  const images = lines.filter((line): line is Extract<ChildLine, { t: "image" }> => line.t === "image");
  return {
    out,
    status: child.status,
    stderr: child.stderr,
    lines,
    images: new Map(images.map((image) => [image.originalPath, image])),
    skipped: lines.filter((line) => line.t === "skipped"),
    fatal: lines.find((line) => line.t === "fatal") as Extract<ChildLine, { t: "fatal" }> | undefined,
    classes: lines.find((line) => line.t === "classes") as Extract<ChildLine, { t: "classes" }> | undefined,
  };
}

/**
 * Reads an NDJSON source, playing the executor's side of the fetch protocol: each `fetch` is
 * answered from `pictures` by URL (an unknown URL is an error reply, as a 404 would be).
 */
async function readNdjsonSource(text: string, pictures: Record<string, Buffer>, spec: Partial<IngestSpec> = {}) {
  const run = path.join(dir, `run-${runs++}`);
  const out = path.join(run, "out");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(run, "source"), text);
  const full: IngestSpec = {
    datasetId: "dst_test",
    task: "detect",
    classNames: [],
    kptShape: null,
    source: { kind: "url", url: "https://data.example/set.ndjson" },
    targetSplit: null,
    classMapping: null,
    ...spec,
  };
  writeFileSync(path.join(run, "spec.json"), JSON.stringify(full));
  const child = spawn(process.execPath, [TSX_CLI, CHILD, path.join(run, "source"), out, path.join(run, "spec.json")]);
  const lines: ChildLine[] = [];
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const pieces = (partial + chunk.toString("utf8")).split("\n");
    partial = pieces.pop()!;
    for (const piece of pieces.filter((line) => line.startsWith(LINE_PREFIX))) {
      const line = JSON.parse(piece.slice(LINE_PREFIX.length)) as ChildLine;
      lines.push(line);
      if (line.t !== "fetch") continue;
      const bytes = pictures[line.url];
      if (bytes) writeFileSync(path.join(out, `fetched-${line.n}`), bytes);
      const reply: FetchReply = bytes
        ? { n: line.n, ok: true }
        : { n: line.n, error: "url: could not fetch the source" };
      child.stdin.write(`${JSON.stringify(reply)}\n`);
    }
  });
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const images = lines.filter((line): line is Extract<ChildLine, { t: "image" }> => line.t === "image");
  return {
    status,
    lines,
    images: new Map(images.map((image) => [image.filename, image])),
    skipped: lines.filter((line) => line.t === "skipped"),
    fatal: lines.find((line) => line.t === "fatal") as Extract<ChildLine, { t: "fatal" }> | undefined,
    classes: lines.find((line) => line.t === "classes") as Extract<ChildLine, { t: "classes" }> | undefined,
    leftover: readdirSync(out).filter((name) => name.startsWith("fetched-")),
  };
}

const ndjson = (...records: unknown[]) => records.map((record) => JSON.stringify(record)).join("\n") + "\n";

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("the ingest reader", () => {
  it("reads a YOLO archive: splits, nested folders, labels, and per-file errors without failing", () => {
    const corrupt = jpg.subarray(0, 200);
    const items: ArchiveItem[] = [
      { name: "data.yaml", data: "path: .\ntrain: images/train\nval: images/val\nnames:\n  0: cat\n  1: dog\n" },
      { name: "images/train/a.jpg", data: jpg, deflate: true },
      { name: "labels/train/a.txt", data: "0 0.5 0.5 0.2 0.2\n1 0.3 0.3 0.1 0.1\n" },
      { name: "images/val/b.png", data: png },
      { name: "labels/val/b.txt", data: "0 0.5 1.5 0.2 0.2\n1 0.5 0.5 0.4 0.4\n7 0.5 0.5 0.1 0.1\n" },
      { name: "images/train/nested/deep/c.png", data: png },
      { name: "labels/train/nested/deep/c.txt", data: "1 0.1 0.1 0.05 0.05\n" },
      { name: "images/train/broken.jpg", data: corrupt },
      { name: "labels/train/orphan.txt", data: "0 0.5 0.5 0.1 0.1\n" },
      { name: "__MACOSX/images/train/._a.jpg", data: "junk" },
      { name: "images/train/notes.md", data: "not a picture" },
    ];
    const result = read(zipOf(items));
    expect(result.status, result.stderr).toBe(0);
    expect(result.classes).toEqual({ t: "classes", classNames: ["cat", "dog"], kptShape: null });
    expect([...result.images.keys()].sort()).toEqual([
      "images/train/a.jpg",
      "images/train/broken.jpg",
      "images/train/nested/deep/c.png",
      "images/val/b.png",
    ]);
    const a = result.images.get("images/train/a.jpg")!;
    expect(a).toMatchObject({
      hash: sha(jpg),
      ext: "jpg",
      bytes: jpg.length,
      width: 64,
      height: 48,
      filename: "a.jpg",
      split: "train",
      error: null,
      labels: [
        { classId: 0, bbox: [0.5, 0.5, 0.2, 0.2] },
        { classId: 1, bbox: [0.3, 0.3, 0.1, 0.1] },
      ],
    });
    expect(readFileSync(path.join(result.out, `${a.hash}.jpg`))).toEqual(jpg);
    expect(existsSync(path.join(result.out, `${a.hash}.webp`))).toBe(true);
    const b = result.images.get("images/val/b.png")!;
    expect(b.split).toBe("val");
    expect(b.labels).toEqual([{ classId: 1, bbox: [0.5, 0.5, 0.4, 0.4] }]);
    expect(b.error).toBe("labels/val/b.txt line 1: bbox[1]: 1.5 is outside [0, 1] (and 1 more)");
    expect(result.images.get("images/train/nested/deep/c.png")).toMatchObject({
      split: "train",
      labels: [{ classId: 1 }],
    });
    const broken = result.images.get("images/train/broken.jpg")!;
    expect(broken).toMatchObject({ width: 0, height: 0, thumbnailBytes: 0 });
    expect(broken.error).toMatch(/^corrupt image: /);
    expect(result.skipped).toEqual([
      { t: "skipped", file: "labels/train/orphan.txt", error: "a label file without its image" },
    ]);
  });

  it("reads a classification archive (tar.gz) folder by class, appending classes to the dataset's", () => {
    const items: ArchiveItem[] = [
      { name: "train/", type: "5" },
      { name: "train/dog/1.jpg", data: jpg },
      { name: "train/cat/2.png", data: png },
      { name: "val/cat/3.jpg", data: Buffer.concat([jpg, Buffer.from([0])]) },
    ];
    const result = read(tarOf(items, true), { task: "classify", classNames: ["cat"] });
    expect(result.status, result.stderr).toBe(0);
    expect(result.classes!.classNames).toEqual(["cat", "dog"]);
    expect(result.images.get("train/dog/1.jpg")).toMatchObject({ split: "train", labels: [{ classId: 1 }] });
    expect(result.images.get("train/cat/2.png")).toMatchObject({ labels: [{ classId: 0 }] });
    expect(result.images.get("val/cat/3.jpg")).toMatchObject({ split: "val", labels: [{ classId: 0 }] });
  });

  it("maps classes by classMapping, reads pose keypoints by kpt_shape, and honours targetSplit", () => {
    const items: ArchiveItem[] = [
      { name: "ds/data.yaml", data: "names: [person, ghost]\nkpt_shape: [2, 3]\n" },
      { name: "ds/images/val/p.jpg", data: jpg },
      { name: "ds/labels/val/p.txt", data: "0 0.5 0.5 0.4 0.4 0.4 0.4 2 0.6 0.6 1\n1 0.5 0.5 0.1 0.1 0 0 0 0 0 0\n" },
    ];
    const result = read(tarOf(items), {
      task: "pose",
      classNames: ["human"],
      classMapping: { person: "human", ghost: null },
      targetSplit: "test",
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.classes).toMatchObject({ classNames: ["human"], kptShape: [2, 3] });
    expect(result.images.get("ds/images/val/p.jpg")).toMatchObject({
      split: "test",
      labels: [{ classId: 0, bbox: [0.5, 0.5, 0.4, 0.4], keypoints: [0.4, 0.4, 2, 0.6, 0.6, 1] }],
      error: null,
    });
  });

  it("reads an NDJSON source: classes by index, annotations as labels, pictures fetched by the executor", async () => {
    const text = ndjson(
      { type: "dataset", task: "detect", class_names: { "0": "cat", "1": "dog" } },
      {
        type: "image",
        file: "a.jpg",
        url: "https://cdn.example/a.jpg",
        split: "val",
        annotations: { boxes: [[1, 0.5, 0.5, 0.2, 0.2]] },
      },
      {
        type: "image",
        file: "../../b.png",
        url: "https://cdn.example/b.png",
        annotations: {
          boxes: [
            [0, 0.5, 1.5, 0.2, 0.2],
            [0, 0.4, 0.4, 0.1, 0.1],
          ],
        },
      },
      { type: "image", file: "gone.jpg", url: "https://cdn.example/gone.jpg", annotations: {} },
      { type: "image", file: "c.jpg", url: "file:///etc/passwd" },
      { type: "image", file: "notes.txt", url: "https://cdn.example/notes.txt" },
      "not json at all",
    );
    const result = await readNdjsonSource(
      text.replace(`"not json at all"`, "{ broken"),
      { "https://cdn.example/a.jpg": jpg, "https://cdn.example/b.png": png },
      { classNames: ["dog"] },
    );
    expect(result.status).toBe(0);
    expect(result.classes).toEqual({ t: "classes", classNames: ["dog", "cat"], kptShape: null });
    expect(result.lines.find((line) => line.t === "total")).toEqual({ t: "total", images: 5 });
    expect(result.images.get("a.jpg")).toMatchObject({
      hash: sha(jpg),
      width: 64,
      split: "val",
      labels: [{ classId: 0, bbox: [0.5, 0.5, 0.2, 0.2] }],
      error: null,
    });
    expect(result.images.get("b.png")).toMatchObject({
      originalPath: "../../b.png",
      split: "train",
      labels: [{ classId: 1, bbox: [0.4, 0.4, 0.1, 0.1] }],
      error: "b.png (line 3) line 1: bbox[1]: 1.5 is outside [0, 1]",
    });
    // A failed fetch is reported when its answer comes, so the order is by file here.
    expect([...result.skipped].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { t: "skipped", file: "gone.jpg", error: "url: could not fetch the source" },
      { t: "skipped", file: "line 5", error: "c.jpg: url must be an http(s) URL" },
      { t: "skipped", file: "line 6", error: 'file: "notes.txt" is not a picture\'s name' },
      { t: "skipped", file: "line 7", error: "not an image record" },
    ]);
    expect(result.leftover).toEqual([]);
  });

  it("refuses an NDJSON without its dataset record or of another task", async () => {
    const image = { type: "image", file: "a.jpg", url: "https://cdn.example/a.jpg" };
    const headless = await readNdjsonSource(ndjson(image), {});
    expect(headless.fatal?.error).toMatch(/line 1 of the NDJSON is not its dataset record/);
    const segment = await readNdjsonSource(ndjson({ type: "dataset", task: "segment", class_names: {} }, image), {});
    expect(segment.fatal?.error).toBe("the NDJSON is a segment dataset; this dataset is detect");
    const long = await readNdjsonSource(ndjson({ type: "dataset", pad: "x".repeat(17 * 1024 * 1024) }, image), {});
    expect(long.fatal).toMatchObject({
      code: "INGEST_REFUSED",
      error: expect.stringMatching(/a line of the NDJSON is over/),
    });
    const classify = await readNdjsonSource(
      ndjson(
        { type: "dataset", task: "classify", class_names: ["cat", "dog"] },
        { ...image, annotations: { classification: [1] } },
      ),
      { "https://cdn.example/a.jpg": jpg },
      { task: "classify" },
    );
    expect(classify.images.get("a.jpg")).toMatchObject({ labels: [{ classId: 1 }] });
  });

  it("refuses hostile archives whole, with a clear error", () => {
    const cases: [string, Buffer, RegExp][] = [
      [
        "traversal",
        zipOf([{ name: "images/../../evil.jpg", data: jpg }]),
        /leaves its folder \(images\/..\/..\/evil.jpg\)/,
      ],
      ["absolute path", tarOf([{ name: "/etc/evil.jpg", data: jpg }]), /absolute path \(\/etc\/evil.jpg\)/],
      ["zip symlink", zipOf([{ name: "images/link.jpg", data: "/etc/passwd", mode: 0o120777 }]), /holds a link/],
      ["tar symlink", tarOf([{ name: "images/link.jpg", type: "2" }]), /holds a link/],
      ["millions of entries", zipClaiming(5_000_000), /exceeds the ingest cap on entries \(1,000,000\)/],
      ["not an archive", Buffer.from("hello, I am a text file"), /not a ZIP, TAR or TAR.GZ archive/],
      ["truncated tar", tarOf([{ name: "images/a.jpg", data: jpg }]).subarray(0, 700), /ends inside an entry/],
    ];
    for (const [name, archive, expected] of cases) {
      const result = read(archive);
      expect(result.fatal?.error, name).toMatch(expected);
      expect(result.status, name).not.toBe(0);
      expect(result.images.size, name).toBe(0);
    }
  });

  it("skips a picture over the image cap, honest or lying about its size, and goes on", () => {
    const huge = Buffer.alloc(40 * 1024 * 1024);
    const bomb = deflateRawSync(huge);
    const items: ArchiveItem[] = [
      { name: "images/train/huge.png", data: huge, deflate: true },
      { name: "images/train/liar.png", data: huge, deflate: true, claimedSize: 10 },
      { name: "images/train/fine.png", data: png },
    ];
    expect(bomb.length).toBeLessThan(100_000);
    const result = read(zipOf(items));
    expect(result.status, result.stderr).toBe(0);
    expect([...result.images.keys()]).toEqual(["images/train/fine.png"]);
    expect(result.skipped.map((line) => (line as { file: string }).file)).toEqual([
      "images/train/huge.png",
      "images/train/liar.png",
    ]);
    expect((result.skipped[0] as { error: string }).error).toMatch(/41,943,040 bytes is over the 33,554,432-byte cap/);
  });
});
