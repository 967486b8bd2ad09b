/**
 * A dataset as the NDJSON the `ultralytics` package reads (`convert_ndjson_to_yolo`, CLIENTS.md
 * §3): line 1 the dataset record (`task`, `class_names` by index, `kpt_shape` for pose); then one
 * line per image with its split, file name, URL and annotations (the first key's rows become the
 * YOLO label file, each row `class then numbers`; classification: `classification: [id]`).
 *
 * What is stored leaves two placeholders in each URL: the API's base and a token for the picture
 * set; they are filled when the file is served, so a stored version never holds an expiring URL.
 */
import type { Deps } from "../context";
import type { Queryable } from "../db/client";
import type { ImageLabel } from "../db/schema";
import { exportPage, type ExportImage } from "../db/versions";
import { settingsOf } from "../settings";

export const IMAGE_BASE = "__EDGEHUB_IMAGE_BASE__";
export const SET_TOKEN = "__EDGEHUB_SET_TOKEN__";
const PAGE = 2000;

export interface DatasetShape {
  task: string;
  classNames: string[];
  kptShape: [number, number] | null;
}

export function datasetRecord(shape: DatasetShape) {
  return {
    type: "dataset",
    task: shape.task,
    class_names: Object.fromEntries(shape.classNames.map((name, i) => [String(i), name])),
    ...(shape.task === "pose" && shape.kptShape ? { kpt_shape: shape.kptShape } : {}),
  };
}

/** One image line; the annotation key names the geometry (the reader takes the first key's rows). */
export function imageRecord(image: ExportImage, task: string) {
  return {
    type: "image",
    split: image.split,
    file: image.filename,
    url: `${IMAGE_BASE}/${image.hash}.${image.ext}?token=${SET_TOKEN}`,
    width: image.width,
    height: image.height,
    annotations: annotationsOf(image.labels, task),
  };
}

function annotationsOf(labels: ImageLabel[], task: string): Record<string, number[][] | number[]> {
  switch (task) {
    case "classify":
      return { classification: labels.slice(0, 1).map((label) => label.classId) };
    case "segment":
      return { segments: labels.filter((l) => l.segments).map((l) => [l.classId, ...l.segments!]) };
    case "pose":
      return { pose: labels.filter((l) => l.bbox && l.keypoints).map((l) => [l.classId, ...l.bbox!, ...l.keypoints!]) };
    case "obb":
      return { obb: labels.filter((l) => l.obb).map((l) => [l.classId, ...l.obb!]) };
    default:
      return { boxes: labels.filter((l) => l.bbox).map((l) => [l.classId, ...l.bbox!]) };
  }
}

/**
 * Renders a dataset's images now, or a version's copies, into R2 under `key`, page by page: parts
 * of exactly UPLOAD_PART_SIZE go up as they fill (R2 multipart), so a large dataset is never held
 * whole. Answers the bytes written.
 */
export async function storeNdjson(
  deps: Deps,
  key: string,
  shape: DatasetShape,
  source: { datasetId: string } | { versionId: string },
  customMetadata: Record<string, string> = {},
): Promise<number> {
  const writer = new PartWriter(deps.bucket, key, settingsOf(deps.env).UPLOAD_PART_SIZE, customMetadata);
  try {
    for (let after: string | null = ""; after !== null; ) {
      const page = await ndjsonPage(deps.db, shape, source, after);
      await writer.write(page.text);
      after = page.next;
    }
    return await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/**
 * One page of the file: up to PAGE image lines after image id `after` (the dataset record first
 * when `after` is empty), and where the next page starts (null after the last).
 */
export async function ndjsonPage(
  db: Queryable,
  shape: DatasetShape,
  source: { datasetId: string } | { versionId: string },
  after: string,
): Promise<{ text: string; next: string | null; images: number }> {
  const page = await exportPage(db, source, after, PAGE);
  const head = after === "" ? `${JSON.stringify(datasetRecord(shape))}\n` : "";
  const lines = page.map((image) => `${JSON.stringify(imageRecord(image, shape.task))}\n`).join("");
  const next = page.length === PAGE ? page[page.length - 1]!.id : null;
  return { text: head + lines, next, images: page.length };
}

class PartWriter {
  private readonly encoder = new TextEncoder();
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private total = 0;
  private upload?: R2MultipartUpload;
  private readonly parts: R2UploadedPart[] = [];

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly partSize: number,
    private readonly customMetadata: Record<string, string>,
  ) {}

  private get options() {
    return { httpMetadata: { contentType: "application/x-ndjson" }, customMetadata: this.customMetadata };
  }

  async write(text: string): Promise<void> {
    const bytes = this.encoder.encode(text);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.total += bytes.length;
    while (this.pendingBytes >= this.partSize) {
      const all = concat(this.pending);
      this.upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
      this.parts.push(await this.upload.uploadPart(this.parts.length + 1, all.subarray(0, this.partSize)));
      this.pending = [all.subarray(this.partSize)];
      this.pendingBytes = all.length - this.partSize;
    }
  }

  async close(): Promise<number> {
    const rest = concat(this.pending);
    if (!this.upload) await this.bucket.put(this.key, rest, this.options);
    else {
      if (rest.length) this.parts.push(await this.upload.uploadPart(this.parts.length + 1, rest));
      await this.upload.complete(this.parts);
    }
    return this.total;
  }

  async abort(): Promise<void> {
    await this.upload?.abort().catch(() => {});
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) (out.set(chunk, at), (at += chunk.length));
  return out;
}
