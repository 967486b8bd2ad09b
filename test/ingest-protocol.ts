/**
 * An ingest played through the Worker's own routes: the user uploads an archive and starts the
 * ingest; the test then does what a runner's ingest executor does with the pictures it read (ask
 * which bytes to send, PUT them, commit the batch). The archive's parsing is the runner's
 * (gpu-runner/test); here the pictures are given.
 */
import { BASE, body, call } from "./helpers";
import { claim, heartbeat, putSigned, report, RUNNER_TOKEN, type Claim } from "./runner-protocol";

export interface Picture {
  name: string;
  split?: "train" | "val" | "test";
  labels?: Record<string, unknown>[];
  error?: string | null;
  /** Distinct bytes by default; give the same to make a duplicate. */
  bytes?: Uint8Array;
  width?: number;
  height?: number;
}

let seed = 0;

/** Bytes unlike any other test's (their hash names them). */
export function uniqueBytes(size = 64): Uint8Array {
  const data = new Uint8Array(size);
  crypto.getRandomValues(data.subarray(0, Math.min(size, 65_536)));
  new DataView(data.buffer).setUint32(0, seed++);
  return data;
}

async function sha256(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Uploads a (stand-in) archive and starts an ingest of it; answers the POST's response. */
export async function startIngest(auth: string, datasetId: string, options: Record<string, unknown> = {}) {
  const archive = new TextEncoder().encode("PK stand-in: the runner reads archives, not this test");
  const signed = await call("POST", "/api/upload/signed-url", {
    auth,
    json: {
      assetType: "datasets",
      assetId: datasetId,
      filename: "data.zip",
      contentType: "application/zip",
      totalBytes: archive.length,
    },
  });
  if (!signed.ok) throw new Error(`signed-url: ${signed.status} ${await signed.text()}`);
  const session = await body(signed);
  await putSigned(session.uploadUrl, archive, "application/zip");
  const done = await call("POST", "/api/upload/complete", { auth, json: { sessionId: session.sessionId } });
  if (!done.ok) throw new Error(`complete: ${await done.text()}`);
  return call("POST", "/api/datasets/ingest", { auth, json: { datasetId, sessionId: session.sessionId, ...options } });
}

/** Claims the ingest job as a runner would. */
export async function claimIngest(jobId: string): Promise<Claim> {
  const { claim: c, response } = await claim(jobId, (await heartbeat({ queues: ["cpu-jobs"] })).runnerId);
  if (!c) throw new Error(`claim: ${response.status} ${await response.text()}`);
  await report(c, { type: "started" });
  return c;
}

/** Sends a batch of pictures the runner's way: blobs, PUTs (thumbnail first), commit. Answers the commit. */
export async function sendPictures(c: Claim, pictures: Picture[], extra: Record<string, unknown> = {}) {
  const prepared = await Promise.all(
    pictures.map(async (p) => {
      const bytes = p.bytes ?? uniqueBytes();
      return { p, bytes, hash: await sha256(bytes), thumb: uniqueBytes(16) };
    }),
  );
  const asked = await call("POST", `/internal/jobs/${c.job.id}/images/blobs`, {
    auth: RUNNER_TOKEN,
    json: {
      leaseId: c.leaseId,
      blobs: prepared.map(({ p, bytes, hash, thumb }) => ({
        hash,
        ext: p.name.split(".").pop(),
        bytes: bytes.length,
        width: p.width ?? 640,
        height: p.height ?? 480,
        thumbnailBytes: thumb.length,
      })),
    },
  });
  if (!asked.ok) throw new Error(`blobs: ${asked.status} ${await asked.text()}`);
  for (const upload of (await body(asked)).uploads as { hash: string; imageUrl: string; thumbnailUrl?: string }[]) {
    const item = prepared.find((x) => x.hash === upload.hash)!;
    if (upload.thumbnailUrl) await putSigned(upload.thumbnailUrl, item.thumb, "image/webp");
    const ext = item.p.name.split(".").pop();
    const put = await putSigned(upload.imageUrl, item.bytes, `image/${ext === "jpg" ? "jpeg" : ext}`);
    if (!put.ok) throw new Error(`blob PUT: ${put.status} ${await put.text()}`);
  }
  return call("POST", `/internal/jobs/${c.job.id}/images/commit`, {
    auth: RUNNER_TOKEN,
    json: {
      leaseId: c.leaseId,
      images: prepared.map(({ p, hash }) => ({
        hash,
        filename: p.name,
        originalPath: `images/${p.split ?? "train"}/${p.name}`,
        split: p.split ?? "train",
        labels: p.labels ?? [],
        error: p.error ?? null,
      })),
      ...extra,
    },
  });
}

/** A whole ingest of these pictures into a dataset; answers the dataset's images (by `split/name` too). */
export async function ingestPictures(auth: string, datasetId: string, pictures: Picture[], options = {}) {
  const started = await startIngest(auth, datasetId, options);
  if (started.status !== 201) throw new Error(`ingest: ${started.status} ${await started.text()}`);
  const c = await claimIngest((await body(started)).jobId);
  const committed = await sendPictures(c, pictures);
  if (!committed.ok) throw new Error(`commit: ${committed.status} ${await committed.text()}`);
  const done = await report(c, { type: "completed", result: { images: pictures.length } });
  if (!done.ok) throw new Error(`completed: ${done.status} ${await done.text()}`);
  const listed = await body(
    await call("GET", `/api/datasets/${datasetId}/images?limit=5000&includeThumbnails=false`, { auth }),
  );
  const images = listed.images as Record<string, any>[];
  // `name` alone where it is unique in the dataset; `split/name` always.
  return new Map<string, Record<string, any>>([
    ...images.map((image) => [image.name, image] as const),
    ...images.map((image) => [`${image.split}/${image.name}`, image] as const),
  ]);
}

export const imagePath = (url: string) => url.replace(BASE, "");
