import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../src/crypto";
import { signTransfer } from "../../../src/storage/signed-url";
import { BASE, body, call, newModel, newTenant, type Tenant } from "../../helpers";

declare module "../../helpers" {
  interface Tenant {
    modelId?: string;
  }
}

const MiB = 1024 * 1024;

function bytes(size: number, seed = 1): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + seed) & 0xff;
  return data;
}

async function sha256(data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
}

/** A PUT to a signed URL: no auth header, the signed type and length. */
function put(url: string, data: Uint8Array, contentType: string, length = data.length) {
  return call("PUT", url.replace(BASE, ""), {
    body: data,
    headers: { "Content-Type": contentType, "Content-Length": String(length) },
  });
}

async function signedUrl(t: Tenant, overrides: Record<string, unknown> = {}) {
  t.modelId ??= (await newModel(t)).modelId;
  const request = {
    assetType: "models",
    assetId: t.modelId,
    filename: "best.pt",
    contentType: "application/octet-stream",
    totalBytes: 1000,
    ...overrides,
  };
  const response = await call("POST", "/api/upload/signed-url", { auth: t.key, json: request });
  return { response, session: await body(response) };
}

describe("single-PUT uploads", () => {
  it("goes signed-url -> PUT -> complete, then downloads with Range", async () => {
    const t = await newTenant();
    const data = bytes(1000);
    const { response, session } = await signedUrl(t);
    expect(response.status).toBe(200);
    expect(Object.keys(session).sort()).toEqual(["expiresAt", "sessionId", "uploadUrl"]);
    expect(session.sessionId).toMatch(/^upl_/);

    const stored = await put(session.uploadUrl, data, "application/octet-stream");
    expect(stored.status).toBe(200);
    const done = await call("POST", "/api/upload/complete", {
      auth: t.key,
      json: { sessionId: session.sessionId, checksum: await sha256(data) },
    });
    expect(await body(done)).toEqual({ success: true, file: { size: 1000, contentType: "application/octet-stream" } });

    const described = await body(await call("GET", `/api/upload/${session.sessionId}`, { auth: t.key }));
    expect(described).toMatchObject({ status: "completed", totalBytes: 1000, filename: "best.pt" });
    const whole = await call("GET", described.downloadUrl.replace(BASE, ""));
    expect(whole.status).toBe(200);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(data);

    const ranged = await call("GET", described.downloadUrl.replace(BASE, ""), { headers: { Range: "bytes=10-19" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("Content-Range")).toBe("bytes 10-19/1000");
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(data.slice(10, 20));
    const suffix = await call("GET", described.downloadUrl.replace(BASE, ""), { headers: { Range: "bytes=-5" } });
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(data.slice(995));
    expect(
      (await call("GET", described.downloadUrl.replace(BASE, ""), { headers: { Range: "bytes=5000-" } })).status,
    ).toBe(416);

    const storage = await body(await call("GET", "/api/storage?details=true", { auth: t.key }));
    expect(storage.breakdown.byCategory.models).toEqual({ bytes: 1000, count: 1 });
    expect(storage.usage.storage.current).toBe(1000);
    expect(storage.breakdown.topItems[0]).toMatchObject({ _id: t.modelId, sizeBytes: 1000, type: "model" });
  });

  it("refuses a PUT replayed after complete, and complete is idempotent", async () => {
    const t = await newTenant();
    const data = bytes(1000);
    const { session } = await signedUrl(t);
    await put(session.uploadUrl, data, "application/octet-stream");
    await call("POST", "/api/upload/complete", { auth: t.key, json: { sessionId: session.sessionId } });
    const replay = await put(session.uploadUrl, bytes(1000, 9), "application/octet-stream");
    expect(replay.status).toBe(409);
    expect(await body(replay)).toMatchObject({ code: "CONFLICT" });
    expect(
      (await call("POST", "/api/upload/complete", { auth: t.key, json: { sessionId: session.sessionId } })).status,
    ).toBe(200);
    const storage = await body(await call("GET", "/api/storage", { auth: t.key }));
    expect(storage.breakdown.byCategory.models.count).toBe(1);
  });

  it("refuses a checksum mismatch, deletes the bytes and fails the session", async () => {
    const t = await newTenant();
    const { session } = await signedUrl(t);
    await put(session.uploadUrl, bytes(1000), "application/octet-stream");
    const response = await call("POST", "/api/upload/complete", {
      auth: t.key,
      json: { sessionId: session.sessionId, checksum: "0".repeat(64) },
    });
    expect(response.status).toBe(400);
    expect((await body(response)).error).toMatch(/Checksum mismatch/);
    expect((await env.BUCKET.list({ prefix: `ws/${t.workspaceId}/` })).objects).toHaveLength(0);
    expect((await body(await call("GET", `/api/upload/${session.sessionId}`, { auth: t.key }))).status).toBe("failed");
    expect((await body(await call("GET", "/api/storage", { auth: t.key }))).usage.storage.current).toBe(0);
  });

  it("refuses tampered, expired and wrong-operation tokens with 401/403", async () => {
    const t = await newTenant();
    const { session } = await signedUrl(t);
    const tampered = session.uploadUrl.replace(
      /token=([^.]+)\.([^.]+)\./,
      (_: string, h: string, p: string) => `token=${h}.${p.slice(0, -2)}AA.`,
    );
    expect((await put(tampered, bytes(1000), "application/octet-stream")).status).toBe(401);
    const key = `ws/${t.workspaceId}/models/${t.modelId}/${session.sessionId}/best.pt`;
    const expired = await signTransfer(
      env.SIGNING_SECRET,
      { op: "put", sid: session.sessionId, key, size: 1000, ct: "application/octet-stream" },
      new Date(Date.now() - 1000),
    );
    const response = await put(
      `/api/upload/${session.sessionId}/object?token=${expired}`,
      bytes(1000),
      "application/octet-stream",
    );
    expect(response.status).toBe(401);
    expect((await body(response)).error).toMatch(/expired/);
    const getToken = await signTransfer(
      env.SIGNING_SECRET,
      { op: "get", key, name: "x" },
      new Date(Date.now() + 60_000),
    );
    expect(
      (await put(`/api/upload/${session.sessionId}/object?token=${getToken}`, bytes(1000), "application/octet-stream"))
        .status,
    ).toBe(403);
    expect((await put(`/api/upload/${session.sessionId}/object`, bytes(1000), "application/octet-stream")).status).toBe(
      401,
    );
    expect((await env.BUCKET.list({ prefix: `ws/${t.workspaceId}/` })).objects).toHaveLength(0);
  });

  it("refuses size lies and the wrong content type, leaving no object", async () => {
    const t = await newTenant();
    const { session } = await signedUrl(t);
    expect((await put(session.uploadUrl, bytes(999), "application/octet-stream")).status).toBe(400); // Content-Length 999
    expect((await put(session.uploadUrl, bytes(999), "application/octet-stream", 1000)).status).toBe(400); // says 1000, sends 999
    const wrongType = await put(session.uploadUrl, bytes(1000), "image/png");
    expect(wrongType.status).toBe(415);
    expect((await env.BUCKET.list({ prefix: `ws/${t.workspaceId}/` })).objects).toHaveLength(0);
    expect(
      (await call("POST", "/api/upload/complete", { auth: t.key, json: { sessionId: session.sessionId } })).status,
    ).toBe(404);
  });
});

describe("multipart uploads", () => {
  it("signs one URL per part, resumes a failed part alone, and assembles the file", async () => {
    const t = await newTenant();
    const data = bytes(11 * MiB, 3);
    const { session } = await signedUrl(t, {
      assetType: "datasets",
      assetId: "dst_big",
      filename: "big.zip",
      contentType: "application/zip",
      totalBytes: data.length,
    });
    expect(session.partSize).toBe(5 * MiB);
    expect(session.parts.map((p: { size: number }) => p.size)).toEqual([5 * MiB, 5 * MiB, MiB]);

    const [p1, p2, p3] = session.parts;
    expect((await put(p1.uploadUrl, data.slice(0, 5 * MiB), "application/zip")).status).toBe(200);
    // Part 2 "fails" (short body) and is retried alone.
    expect((await put(p2.uploadUrl, data.slice(5 * MiB, 9 * MiB), "application/zip", 5 * MiB)).status).toBe(400);
    const early = await call("POST", "/api/upload/complete", { auth: t.key, json: { sessionId: session.sessionId } });
    expect(early.status).toBe(400);
    expect((await body(early)).error).toMatch(/Parts not uploaded yet: 2, 3/);
    expect((await body(await call("GET", `/api/upload/${session.sessionId}`, { auth: t.key }))).receivedParts).toEqual([
      1,
    ]);
    expect((await put(p2.uploadUrl, data.slice(5 * MiB, 10 * MiB), "application/zip")).status).toBe(200);
    expect((await put(p3.uploadUrl, data.slice(10 * MiB), "application/zip")).status).toBe(200);
    // A part's URL cannot be used for another part.
    expect(
      (await put(p3.uploadUrl.replace("/parts/3", "/parts/2"), data.slice(10 * MiB), "application/zip")).status,
    ).toBe(403);

    const done = await call("POST", "/api/upload/complete", {
      auth: t.key,
      json: { sessionId: session.sessionId, checksum: await sha256(data) },
    });
    expect(done.status).toBe(200);
    const described = await body(await call("GET", `/api/upload/${session.sessionId}`, { auth: t.key }));
    const tail = await call("GET", described.downloadUrl.replace(BASE, ""), {
      headers: { Range: `bytes=${11 * MiB - 4}-` },
    });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(data.slice(11 * MiB - 4));
    expect((await body(await call("GET", "/api/storage", { auth: t.key }))).breakdown.byCategory.datasets).toEqual({
      bytes: data.length,
      count: 1,
    });
  });
});

describe("POST /api/upload/signed-url bad input", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "a dataset that is not an archive",
      { assetType: "datasets", filename: "images.jpg", contentType: "application/zip" },
      "filename",
    ],
    [
      "an image with a non-image type",
      { assetType: "images", filename: "a.jpg", contentType: "application/zip" },
      "contentType",
    ],
    ["a path in the filename", { filename: "../../etc/passwd" }, "filename"],
    ["an unknown asset type", { assetType: "logs" }, "assetType"],
    ["a zero size", { totalBytes: 0 }, "totalBytes"],
    ["a fractional size", { totalBytes: 1.5 }, "totalBytes"],
    ["a string size", { totalBytes: "10" }, "totalBytes"],
    ["an odd asset id", { assetId: "a/b" }, "assetId"],
  ];
  for (const [what, overrides, field] of cases) {
    it(`answers 400 naming ${field} for ${what}`, async () => {
      const t = await newTenant();
      const { response, session } = await signedUrl(t, overrides);
      expect(response.status).toBe(400);
      expect(session.code).toBe("VALIDATION_ERROR");
      expect(session.error).toContain(field);
    });
  }

  it("answers 403 when stored plus promised bytes would exceed the plan's storage", async () => {
    const t = await newTenant();
    const big = {
      assetType: "datasets",
      filename: "a.zip",
      contentType: "application/zip",
      totalBytes: 45 * 1024 ** 3,
    };
    expect((await signedUrl(t, big)).response.status).toBe(200);
    expect((await signedUrl(t, big)).response.status).toBe(200);
    const { response, session } = await signedUrl(t, big);
    expect(response.status).toBe(403);
    expect(session.error).toMatch(/Storage quota exceeded/);
  });

  it("answers 404 for another workspace's session", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const { session } = await signedUrl(a);
    expect(
      (await call("POST", "/api/upload/complete", { auth: b.key, json: { sessionId: session.sessionId } })).status,
    ).toBe(404);
    expect((await call("GET", `/api/upload/${session.sessionId}`, { auth: b.key })).status).toBe(404);
    expect(
      (
        await call("POST", "/api/upload/complete", {
          auth: a.key,
          json: { sessionId: session.sessionId, checksum: "xyz" },
        })
      ).status,
    ).toBe(400);
  });
});
