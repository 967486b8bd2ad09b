import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobOutputs, jobs } from "../../src/db/schema";
import worker from "../../src/index";
import { BASE, body, call, newModel, newTenant, withDb } from "../helpers";
import {
  claim,
  completeOutput,
  heartbeat,
  putSigned,
  report,
  signOutput,
  uploadOutput,
  uploadWeights,
  type Claim,
} from "../runner-protocol";

// The tests run with UPLOAD_PART_SIZE = 5 MiB (vitest.config.ts).
const PART = 5 * 1024 * 1024;
const large = new Uint8Array(2 * PART + 1234).map((_, i) => (i * 7) & 0xff);

async function claimedExport(): Promise<{
  t: Awaited<ReturnType<typeof newTenant>>;
  exportId: string;
  jobId: string;
  c: Claim;
}> {
  const t = await newTenant();
  const { modelId } = await newModel(t);
  await uploadWeights(t.key, modelId, new Uint8Array(64));
  const created = await body(await call("POST", "/api/exports", { auth: t.key, json: { modelId, format: "onnx" } }));
  const jobId = (await body(await call("GET", `/api/exports/${created.id}`, { auth: t.key }))).export.jobId as string;
  const { claim: c } = await claim(jobId, (await heartbeat()).runnerId);
  await report(c!, { type: "started" });
  return { t, exportId: created.id, jobId, c: c! };
}

const slice = (partNumber: number, size: number) =>
  large.subarray((partNumber - 1) * PART, (partNumber - 1) * PART + size);

describe("large job outputs go up as R2 multipart, part by part", () => {
  it("signs one URL per part, retries a failed part alone, assembles the file, and the export downloads whole", async () => {
    const { t, exportId, c } = await claimedExport();
    const signed = await body(await signOutput(c, "model.onnx", large.length));
    expect(signed.uploadUrl).toBeUndefined();
    expect(signed.partSize).toBe(PART);
    expect(signed.parts.map((p: { size: number }) => p.size)).toEqual([PART, PART, 1234]);

    const etags: { partNumber: number; etag: string }[] = [];
    for (const part of signed.parts) {
      if (part.partNumber === 2) {
        // A part that lies about its size is refused; the retry of that part alone succeeds.
        const short = await putSigned(part.uploadUrl, slice(2, part.size - 1));
        expect(short.status).toBe(400);
        expect(await body(short)).toMatchObject({ code: "VALIDATION_ERROR" });
      }
      const put = await putSigned(part.uploadUrl, slice(part.partNumber, part.size));
      expect(put.status).toBe(200);
      etags.push(await body(put));
    }
    const done = await completeOutput(c, {
      name: "model.onnx",
      uploadId: signed.uploadId,
      size: large.length,
      parts: etags.reverse(),
    });
    expect(done.status).toBe(200);
    expect(await body(done)).toEqual({ key: signed.key, size: large.length });

    const completed = await report(c, {
      type: "completed",
      outputs: [{ name: "model.onnx", key: signed.key, size: large.length, contentType: "application/octet-stream" }],
      result: {},
    });
    expect((await body(completed)).status).toBe("completed");
    const finished = (await body(await call("GET", `/api/exports/${exportId}`, { auth: t.key }))).export;
    expect(finished.file.size).toBe(large.length);
    const file = new Uint8Array(await (await call("GET", finished.file.downloadUrl.replace(BASE, ""))).arrayBuffer());
    expect(file.length).toBe(large.length);
    expect(file.every((value, i) => value === large[i])).toBe(true);
  });

  it("refuses to assemble with a part missing or a size that is not the signed one, and leaves no file", async () => {
    const { c } = await claimedExport();
    const upload = async (count: number) => {
      const signed = await body(await signOutput(c, "model.onnx", large.length));
      const etags = [];
      for (const part of signed.parts.slice(0, count))
        etags.push(await body(await putSigned(part.uploadUrl, slice(part.partNumber, part.size))));
      return { signed, etags };
    };
    // R2 would assemble the parts it has: the size check catches the missing one and deletes the result.
    const partial = await upload(2);
    const missing = await completeOutput(c, {
      name: "model.onnx",
      uploadId: partial.signed.uploadId,
      size: large.length,
      parts: partial.etags,
    });
    expect(missing.status).toBe(400);
    expect(await body(missing)).toMatchObject({
      code: "VALIDATION_ERROR",
      error: expect.stringMatching(/holds 10485760 bytes, not the 10486994 signed for/),
    });
    expect(
      (
        await report(c, {
          type: "completed",
          outputs: [{ name: "model.onnx", key: partial.signed.key, size: large.length }],
          result: {},
        })
      ).status,
    ).toBe(400);

    const whole = await upload(3);
    const duplicated = await completeOutput(c, {
      name: "model.onnx",
      uploadId: whole.signed.uploadId,
      size: large.length,
      parts: [...whole.etags, whole.etags[0]],
    });
    expect(duplicated.status).toBe(400);
    expect((await body(duplicated)).error).toMatch(/each part number once/);
    const wrongSize = await completeOutput(c, {
      name: "model.onnx",
      uploadId: whole.signed.uploadId,
      size: large.length + 1,
      parts: whole.etags,
    });
    expect(wrongSize.status).toBe(400);
    expect(await (env as unknown as { BUCKET: R2Bucket }).BUCKET.head(whole.signed.key)).toBeNull();
    expect(
      (
        await report(c, {
          type: "completed",
          outputs: [{ name: "model.onnx", key: whole.signed.key, size: large.length + 1 }],
          result: {},
        })
      ).status,
    ).toBe(400);
  });

  it("binds part URLs to their job, operation and attempt", async () => {
    const first = await claimedExport();
    const other = await claimedExport();
    const signed = await body(await signOutput(first.c, "model.onnx", large.length));
    const part = signed.parts[0];
    // Another job's path with this token.
    const foreign = await call("PUT", part.uploadUrl.replace(BASE, "").replace(first.jobId, other.jobId), {
      body: slice(1, part.size),
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(part.size) },
    });
    expect(foreign.status).toBe(403);
    // A single-file token does not open the part route, nor a part token the single-file route.
    const small = await body(await signOutput(first.c, "args.yaml", 10));
    const wrongOp = await putSigned(small.uploadUrl.replace("/outputs/object?", "/outputs/part?"), new Uint8Array(10));
    expect(wrongOp.status).toBe(403);
    expect(
      (await putSigned(part.uploadUrl.replace("/outputs/part?", "/outputs/object?"), slice(1, part.size))).status,
    ).toBe(403);
    const tampered = await putSigned(
      part.uploadUrl.replace(/token=([^.]+)\.([^.]+)\./, "token=$1.$2x."),
      slice(1, part.size),
    );
    expect(tampered.status).toBe(401);

    // The attempt loses its lease and another runner takes over: its URLs and completion are refused.
    await withDb((db) =>
      db
        .update(jobs)
        .set({ leaseExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(jobs.id, first.jobId)),
    );
    const { claim: second } = await claim(first.jobId, (await heartbeat({ name: "second" })).runnerId);
    expect(second!.job.attempt).toBe(2);
    expect((await putSigned(part.uploadUrl, slice(1, part.size))).status).toBe(409);
    const stale = await completeOutput(first.c, {
      name: "model.onnx",
      uploadId: signed.uploadId,
      size: large.length,
      parts: [{ partNumber: 1, etag: "x" }],
    });
    expect(stale.status).toBe(409);
  });

  it("keeps files of one part or less a single PUT, and refuses bad completion bodies", async () => {
    const { c } = await claimedExport();
    const signed = await body(await signOutput(c, "model.onnx", PART));
    expect(Object.keys(signed).sort()).toEqual(["key", "uploadUrl"]);
    for (const json of [
      {},
      { name: "model.onnx", uploadId: "u", size: 10, parts: [] },
      { name: "../x", uploadId: "u", size: 10, parts: [{ partNumber: 1, etag: "e" }] },
      { name: "m", uploadId: "u", size: 10, parts: [{ partNumber: 0, etag: "e" }] },
    ]) {
      const response = await completeOutput(c, json);
      expect(response.status).toBe(400);
      expect(await body(response)).toMatchObject({ code: "VALIDATION_ERROR" });
    }
    const unknown = await completeOutput(c, {
      name: "model.onnx",
      uploadId: "no-such-upload",
      size: 10,
      parts: [{ partNumber: 1, etag: "e" }],
    });
    expect(unknown.status).toBe(400);
  });
});

describe("what dead attempts leave behind", () => {
  const bucket = () => (env as unknown as { BUCKET: R2Bucket }).BUCKET;
  const exists = async (key: string) => (await bucket().head(key)) !== null;
  /** Every URL signed for these jobs expired an hour ago. */
  const age = (jobIds: string[]) =>
    withDb((db) =>
      db
        .update(jobOutputs)
        .set({ createdAt: sql`now() - interval '2 hours'` })
        .where(inArray(jobOutputs.jobId, jobIds)),
    );
  async function runCron() {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
  }

  it("is deleted by the cron (files, unfinished multipart uploads); what the completing attempt reported stays", async () => {
    const { t, exportId, jobId, c: first } = await claimedExport();
    // Attempt 1 uploads a file and starts a large one, then dies.
    const orphan = await uploadOutput(first, "model.onnx", new Uint8Array(100));
    const unfinished = await body(await signOutput(first, "big.onnx", large.length));
    expect((await putSigned(unfinished.parts[0].uploadUrl, slice(1, PART))).status).toBe(200);
    await withDb((db) =>
      db
        .update(jobs)
        .set({ leaseExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(jobs.id, jobId)),
    );
    // Attempt 2 uploads two files and reports one of them.
    const { claim: second } = await claim(jobId, (await heartbeat({ name: "second" })).runnerId);
    await report(second!, { type: "started" });
    const reported = await uploadOutput(second!, "model.onnx", new Uint8Array(200));
    const unreported = await uploadOutput(second!, "scratch.bin", new Uint8Array(10));
    expect((await report(second!, { type: "completed", outputs: [reported], result: {} })).status).toBe(200);
    // Another export still runs, with its file signed as long ago: untouched.
    const running = await claimedExport();
    const inFlight = await uploadOutput(running.c, "model.onnx", new Uint8Array(50));

    await age([jobId, running.jobId]);
    await runCron();

    expect(await exists(orphan.key)).toBe(false);
    expect(await exists(unreported.key)).toBe(false);
    expect(await exists(reported.key)).toBe(true);
    expect(await exists(inFlight.key)).toBe(true);
    // The aborted multipart upload takes no more parts.
    await expect(
      bucket().resumeMultipartUpload(unfinished.key, unfinished.uploadId).uploadPart(2, slice(2, PART)),
    ).rejects.toThrow();
    const left = await withDb((db) =>
      db
        .select()
        .from(jobOutputs)
        .where(inArray(jobOutputs.jobId, [jobId, running.jobId])),
    );
    expect(left.map((row) => row.objectKey)).toEqual([inFlight.key]);
    // The completed export still downloads.
    const finished = (await body(await call("GET", `/api/exports/${exportId}`, { auth: t.key }))).export;
    expect((await (await call("GET", finished.file.downloadUrl.replace(BASE, ""))).arrayBuffer()).byteLength).toBe(200);
  });

  it("is left alone while a URL signed for it may still be used", async () => {
    const { jobId, c } = await claimedExport();
    const file = await uploadOutput(c, "model.onnx", new Uint8Array(10));
    expect((await report(c, { type: "failed", error: { message: "boom" } })).status).toBe(200);
    await runCron();
    expect(await exists(file.key)).toBe(true);
    await age([jobId]);
    await runCron();
    expect(await exists(file.key)).toBe(false);
  });
});
