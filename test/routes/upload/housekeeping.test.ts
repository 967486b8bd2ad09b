import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { uploads } from "../../../src/db/schema";
import worker from "../../../src/index";
import { BASE, body, call, newModel, newTenant, withDb } from "../../helpers";

async function runCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("never-completed uploads", () => {
  it("are collected by the hourly cron once expired: bytes deleted, session failed, nothing booked", async () => {
    const t = await newTenant();
    const { modelId } = await newModel(t);
    const request = {
      assetType: "models",
      assetId: modelId,
      filename: "w.pt",
      contentType: "application/octet-stream",
      totalBytes: 10,
    };
    const session = await body(await call("POST", "/api/upload/signed-url", { auth: t.key, json: request }));
    const fresh = await body(await call("POST", "/api/upload/signed-url", { auth: t.key, json: request }));
    for (const s of [session, fresh]) {
      const put = await call("PUT", s.uploadUrl.replace(BASE, ""), {
        body: new Uint8Array(10),
        headers: { "Content-Type": "application/octet-stream", "Content-Length": "10" },
      });
      expect(put.status).toBe(200);
    }
    await withDb((db) =>
      db
        .update(uploads)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(uploads.id, session.sessionId)),
    );

    await runCron();

    const objects = (await env.BUCKET.list({ prefix: `ws/${t.workspaceId}/` })).objects.map((o) => o.key);
    expect(objects).toHaveLength(1);
    expect(objects[0]).toContain(fresh.sessionId);
    expect((await body(await call("GET", `/api/upload/${session.sessionId}`, { auth: t.key }))).status).toBe("failed");
    expect(
      (await call("POST", "/api/upload/complete", { auth: t.key, json: { sessionId: session.sessionId } })).status,
    ).toBe(409);
    expect((await body(await call("GET", "/api/storage", { auth: t.key }))).usage.storage.current).toBe(0);
  });

  it("abort their multipart state too", async () => {
    const t = await newTenant();
    const request = {
      assetType: "datasets",
      assetId: "d1",
      filename: "d.zip",
      contentType: "application/zip",
      totalBytes: 6 * 1024 * 1024,
    };
    const session = await body(await call("POST", "/api/upload/signed-url", { auth: t.key, json: request }));
    const part = new Uint8Array(5 * 1024 * 1024);
    expect(
      (
        await call("PUT", session.parts[0].uploadUrl.replace(BASE, ""), {
          body: part,
          headers: { "Content-Type": "application/zip", "Content-Length": String(part.length) },
        })
      ).status,
    ).toBe(200);
    await withDb((db) =>
      db
        .update(uploads)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(uploads.id, session.sessionId)),
    );

    await runCron();

    const [row] = await withDb((db) => db.select().from(uploads).where(eq(uploads.id, session.sessionId)));
    expect(row!.status).toBe("failed");
    const key = `ws/${t.workspaceId}/datasets/d1/${session.sessionId}/d.zip`;
    const resumed = env.BUCKET.resumeMultipartUpload(key, row!.multipartUploadId!);
    await expect(resumed.complete([{ partNumber: 1, etag: "x" }])).rejects.toThrow();
  });
});
