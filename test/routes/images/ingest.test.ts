import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { datasets, imageBlobs, storageObjects } from "../../../src/db/schema";
import worker from "../../../src/index";
import { body, call, newTenant, withDb, type Tenant } from "../../helpers";
import { claimIngest, ingestPictures, sendPictures, startIngest, uniqueBytes } from "../../ingest-protocol";
import { putSigned, report, RUNNER_TOKEN } from "../../runner-protocol";

async function newDataset(t: Tenant, json: Record<string, unknown> = {}): Promise<string> {
  const response = await call("POST", "/api/datasets", {
    auth: t.key,
    json: { name: `Data ${Math.random().toString(36).slice(2, 8)}`, classNames: ["cat", "dog", "bird"], ...json },
  });
  expect(response.status).toBe(201);
  return (await body(response)).id;
}

const dataset = async (t: Tenant, id: string) =>
  (await body(await call("GET", `/api/datasets/${id}`, { auth: t.key }))).dataset;
const box = (classId: number) => ({ classId, bbox: [0.5, 0.5, 0.2, 0.2] });

describe("ingest, through the runner protocol", () => {
  it("keeps the dataset processing until the job ends, then counts its images by split", async () => {
    const t = await newTenant("ing");
    const id = await newDataset(t);
    const started = await startIngest(t.key, id);
    expect(started.status).toBe(201);
    const { jobId, status } = await body(started);
    expect(status).toBe("queued");
    expect((await dataset(t, id)).status).toBe("processing");
    // One ingest at a time.
    const again = await startIngest(t.key, id);
    expect(again.status).toBe(409);

    const c = await claimIngest(jobId);
    const committed = await sendPictures(c, [
      { name: "a.jpg", labels: [box(0), box(1)] },
      { name: "b.png", split: "val", labels: [] },
      { name: "c.jpg", split: "test", error: "corrupt image: unexpected end of data" },
    ]);
    expect(await body(committed)).toEqual({ added: 3, skipped: 0, replaced: 0 });
    await report(c, { type: "completed", result: { images: 3 } });

    const after = await dataset(t, id);
    expect(after.status).toBe("ready");
    expect(after.imageCount).toBe(3);
    expect(after.splits).toEqual({ train: 1, val: 1, test: 1, labeled: 1 });
    const job = await body(await call("GET", `/api/jobs/${jobId}`, { auth: t.key }));
    expect(job.job).toMatchObject({ kind: "ingest", status: "completed", result: { images: 3 } });
  });

  it("sends each picture's bytes once: a duplicate in another dataset asks for nothing and is booked there too", async () => {
    const t = await newTenant("ing");
    const first = await newDataset(t);
    const second = await newDataset(t);
    const bytes = uniqueBytes(200);
    await ingestPictures(t.key, first, [{ name: "same.jpg", bytes }]);

    const started = await body(await startIngest(t.key, second));
    const c = await claimIngest(started.jobId);
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const asked = await call("POST", `/internal/jobs/${c.job.id}/images/blobs`, {
      auth: RUNNER_TOKEN,
      json: {
        leaseId: c.leaseId,
        blobs: [{ hash, ext: "jpg", bytes: 200, width: 10, height: 10, thumbnailBytes: 5 }],
      },
    });
    expect((await body(asked)).uploads).toEqual([]);
    expect(await body(await sendPictures(c, [{ name: "copy.jpg", bytes }]))).toMatchObject({ added: 1 });
    await report(c, { type: "completed", result: {} });

    const [blobs, holds] = await withDb(async (db) => [
      await db.select().from(imageBlobs).where(eq(imageBlobs.hash, hash)),
      await db
        .select()
        .from(storageObjects)
        .where(eq(storageObjects.key, `images/${hash}`)),
    ]);
    expect(blobs).toHaveLength(1);
    expect(holds.map((h) => h.resourceId).sort()).toEqual([first, second].sort());

    // Deleting it from one dataset keeps the bytes the other holds; from both, they go.
    const inFirst = (await body(await call("GET", `/api/datasets/${first}/images`, { auth: t.key }))).images[0];
    expect((await call("DELETE", `/api/images/${inFirst.id}`, { auth: t.key })).status).toBe(200);
    const image = await call("POST", "/api/images/urls", { auth: t.key, json: { imageIds: [inFirst.id] } });
    expect(image.status).toBe(404);
    const inSecond = (await body(await call("GET", `/api/datasets/${second}/images`, { auth: t.key }))).images[0];
    const url = (await body(await call("POST", "/api/images/urls", { auth: t.key, json: { imageIds: [inSecond.id] } })))
      .urls[inSecond.id];
    expect(new Uint8Array(await (await call("GET", url.replace("http://edgehub.test", ""))).arrayBuffer())).toEqual(
      bytes,
    );
    expect((await call("DELETE", `/api/images/${inSecond.id}`, { auth: t.key })).status).toBe(200);
    const left = await withDb(async (db) => db.select().from(imageBlobs).where(eq(imageBlobs.hash, hash)));
    expect(left).toEqual([]);
  });

  it("refuses bytes that do not hash to the signed name, and a commit of pictures never sent", async () => {
    const t = await newTenant("ing");
    const id = await newDataset(t);
    const c = await claimIngest((await body(await startIngest(t.key, id))).jobId);
    const honest = uniqueBytes(64);
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", honest))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const asked = await body(
      await call("POST", `/internal/jobs/${c.job.id}/images/blobs`, {
        auth: RUNNER_TOKEN,
        json: { leaseId: c.leaseId, blobs: [{ hash, ext: "png", bytes: 64, width: 1, height: 1, thumbnailBytes: 0 }] },
      }),
    );
    const forged = await putSigned(asked.uploads[0].imageUrl, uniqueBytes(64), "image/png");
    expect(forged.status).toBe(400);
    expect((await body(forged)).error).toMatch(/hash to [0-9a-f]{64}, not/);
    const commit = await call("POST", `/internal/jobs/${c.job.id}/images/commit`, {
      auth: RUNNER_TOKEN,
      json: {
        leaseId: c.leaseId,
        images: [
          { hash, filename: "x.png", originalPath: "images/train/x.png", split: "train", labels: [], error: null },
        ],
      },
    });
    expect(commit.status).toBe(400);
    expect((await body(commit)).error).toMatch(/images\/train\/x.png: its bytes were not uploaded/);
    // Another lease may not commit.
    const stranger = await call("POST", `/internal/jobs/${c.job.id}/images/commit`, {
      auth: RUNNER_TOKEN,
      json: {
        leaseId: "not-the-lease",
        images: [{ hash, filename: "x.png", originalPath: "x.png", split: "train", labels: [], error: null }],
      },
    });
    expect(stranger.status).toBe(409);
    expect((await body(stranger)).details).toEqual({ reason: "superseded" });
    expect((await dataset(t, id)).imageCount).toBe(0);
  });

  it("refuses a batch with a label outside the dataset, naming the file, and adds none of it", async () => {
    const t = await newTenant("ing");
    const id = await newDataset(t);
    const c = await claimIngest((await body(await startIngest(t.key, id))).jobId);
    const response = await sendPictures(c, [
      { name: "good.jpg", labels: [box(0)] },
      { name: "bad.jpg", labels: [{ classId: 7, bbox: [0.5, 0.5, 0.1, 0.1] }] },
    ]);
    expect(response.status).toBe(400);
    expect((await body(response)).error).toMatch(/images\/train\/bad.jpg: labels\[0\]\.classId: 7 is not a class/);
    expect((await dataset(t, id)).imageCount).toBe(0);
  });

  it("applies the conflict policy to names and bytes the dataset holds", async () => {
    const t = await newTenant("ing");
    const id = await newDataset(t);
    const bytes = uniqueBytes(80);
    await ingestPictures(t.key, id, [
      { name: "a.jpg", labels: [box(0)] },
      { name: "b.jpg", bytes },
    ]);

    const skipped = await ingestPictures(t.key, id, [{ name: "a.jpg" }, { name: "other-name.jpg", bytes }]);
    expect(new Set(skipped.values()).size).toBe(2);
    expect(skipped.get("a.jpg")!.labelCount).toBe(1);

    const kept = await ingestPictures(t.key, id, [{ name: "a.jpg" }], { conflictPolicy: "keep_both" });
    expect([...kept.keys()].filter((key) => !key.includes("/")).sort()).toEqual(["a (2).jpg", "a.jpg", "b.jpg"]);

    const replaced = await ingestPictures(t.key, id, [{ name: "a.jpg", labels: [box(2), box(2)] }], {
      conflictPolicy: "replace",
    });
    expect(replaced.get("a.jpg")!.labelCount).toBe(2);
    expect(new Set(replaced.values()).size).toBe(3);
  });

  it("grows the class list only by appending, and puts the dataset back when the job fails", async () => {
    const t = await newTenant("ing");
    const id = await newDataset(t, { classNames: ["cat"] });
    const c = await claimIngest((await body(await startIngest(t.key, id))).jobId);
    const renamed = await sendPictures(c, [{ name: "x.jpg" }], { classNames: ["lion", "dog"] });
    expect(renamed.status).toBe(400);
    expect((await body(renamed)).error).toMatch(/classNames: may only append/);
    const grown = await sendPictures(c, [{ name: "x.jpg", labels: [box(1)] }], { classNames: ["cat", "dog"] });
    expect(grown.status).toBe(200);
    expect((await dataset(t, id)).classNames).toEqual(["cat", "dog"]);
    await report(c, { type: "failed", error: { message: "the archive ended early" } });
    expect((await dataset(t, id)).status).toBe("ready");

    const empty = await newDataset(t);
    const job = (await body(await startIngest(t.key, empty))).jobId;
    const d = await claimIngest(job);
    await report(d, { type: "failed", error: { message: "not an archive" } });
    expect((await dataset(t, empty)).status).toBe("failed");
    const row = await withDb(async (db) => (await db.select().from(datasets).where(eq(datasets.id, empty)))[0]);
    expect(row!.status).toBe("failed");
  });

  it("refuses an ingest without exactly one source, of someone else's upload, or into a dataset it may not edit", async () => {
    const t = await newTenant("ing");
    const other = await newTenant("ing");
    const id = await newDataset(t);
    const post = (json: Record<string, unknown>, auth = t.key) =>
      call("POST", "/api/datasets/ingest", { auth, json: { datasetId: id, ...json } });
    expect((await post({})).status).toBe(400);
    expect((await post({ sessionId: "upl_00000000000000000000", sourceUrl: "https://example.com/a.zip" })).status).toBe(
      400,
    );
    expect((await post({ sourceUrl: "https://example.com/a.exe" })).status).toBe(400);
    expect((await post({ sessionId: "upl_00000000000000000000" })).status).toBe(404);
    const theirs = await newDataset(other);
    const started = await startIngest(other.key, theirs);
    expect(started.status).toBe(201);
    // t cannot see other's private dataset: 404, and nothing is queued.
    expect((await post({ datasetId: theirs, sourceUrl: "https://example.com/a.zip" })).status).toBe(404);
    expect((await dataset(t, id)).status).toBe("ready");
  });

  it("collects pictures that were sent but never committed, a day later, and keeps committed ones", async () => {
    const t = await newTenant("ing");
    const id = await newDataset(t);
    const c = await claimIngest((await body(await startIngest(t.key, id))).jobId);
    const kept = uniqueBytes(90);
    await sendPictures(c, [{ name: "kept.jpg", bytes: kept }]);
    const lost = uniqueBytes(90);
    const hashOf = async (data: Uint8Array) =>
      [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))]
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
    const [keptHash, lostHash] = [await hashOf(kept), await hashOf(lost)];
    // The runner sends the bytes of a picture, then dies before its commit.
    const asked = await body(
      await call("POST", `/internal/jobs/${c.job.id}/images/blobs`, {
        auth: RUNNER_TOKEN,
        json: {
          leaseId: c.leaseId,
          blobs: [{ hash: lostHash, ext: "jpg", bytes: 90, width: 1, height: 1, thumbnailBytes: 0 }],
        },
      }),
    );
    expect((await putSigned(asked.uploads[0].imageUrl, lost, "image/jpeg")).status).toBe(200);
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    await withDb((db) =>
      db
        .update(imageBlobs)
        .set({ createdAt: dayAgo })
        .where(inArray(imageBlobs.hash, [keptHash, lostHash])),
    );

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    const left = await withDb((db) =>
      db
        .select()
        .from(imageBlobs)
        .where(inArray(imageBlobs.hash, [keptHash, lostHash])),
    );
    expect(left.map((row) => row.hash)).toEqual([keptHash]);
    const bucket = (env as unknown as { BUCKET: R2Bucket }).BUCKET;
    expect(await bucket.head(`images/${lostHash}`)).toBeNull();
    expect(await bucket.head(`images/${keptHash}`)).not.toBeNull();
  });
});
