import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/crypto";
import { apiKeys } from "../../../src/db/schema";
import { body, call, newTenant, withDb } from "../../helpers";

describe("/api/api-keys", () => {
  it("creates a key shown once, stores only its hash, and lists it without the key", async () => {
    const t = await newTenant();
    const response = await call("POST", "/api/api-keys", { auth: t.key, json: { name: "training-server" } });
    expect(response.status).toBe(201);
    const created = await body(response);
    expect(created.key).toMatch(/^ul_[0-9a-f]{40}$/);
    expect(created).toMatchObject({ name: "training-server", keyPrefix: created.key.slice(0, 11) });

    const [row] = await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.id, created.keyId)));
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);

    const list = await body(await call("GET", "/api/api-keys", { auth: created.key }));
    expect(list.keys.map((k: { keyId: string }) => k.keyId)).toContain(created.keyId);
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(Object.keys(list.keys[0]).sort()).toEqual(["createdAt", "keyId", "keyPrefix", "name"]);
  });

  it("revokes a key: it fails at once, and an unknown or foreign keyId is 404", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const { key, keyId } = await body(
      await call("POST", "/api/api-keys", { auth: a.key, json: { name: "short-lived" } }),
    );
    expect((await call("GET", "/api/projects", { auth: key })).status).toBe(200); // warms the key's gate cache

    expect((await call("DELETE", `/api/api-keys?keyId=${keyId}`, { auth: b.key })).status).toBe(404);
    expect((await call("DELETE", `/api/api-keys?keyId=${keyId}`, { auth: a.key })).status).toBe(200);
    const refused = await call("GET", "/api/projects", { auth: key });
    expect(refused.status).toBe(401);
    expect(await body(refused)).toEqual({ error: "Invalid or revoked API key", code: "UNAUTHORIZED" });
    expect((await call("DELETE", `/api/api-keys?keyId=${keyId}`, { auth: a.key })).status).toBe(404);
    expect(
      (await body(await call("GET", "/api/api-keys", { auth: a.key }))).keys.map((k: { keyId: string }) => k.keyId),
    ).not.toContain(keyId);
  });

  it("notices a revocation made only in Postgres within the cache's 60 s", async () => {
    const t = await newTenant();
    const gate = env.KEY_GATE.get(env.KEY_GATE.idFromName(`key:${await sha256Hex(t.key)}`));
    const now = Date.now();
    expect((await gate.admit({ kind: "key", keyHash: await sha256Hex(t.key) }, "default", now)).principal?.keyId).toBe(
      t.keyId,
    );
    await withDb((db) => db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, t.keyId)));
    expect(
      (await gate.admit({ kind: "key", keyHash: await sha256Hex(t.key) }, "default", now + 30_000)).principal,
    ).not.toBeNull();
    expect(
      (await gate.admit({ kind: "key", keyHash: await sha256Hex(t.key) }, "default", now + 60_001)).principal,
    ).toBeNull();
  });

  it("answers 400 for a missing or blank name and a missing keyId", async () => {
    const t = await newTenant();
    expect((await call("POST", "/api/api-keys", { auth: t.key, json: {} })).status).toBe(400);
    expect((await call("POST", "/api/api-keys", { auth: t.key, json: { name: " " } })).status).toBe(400);
    expect((await call("DELETE", "/api/api-keys", { auth: t.key })).status).toBe(400);
    expect((await call("GET", "/api/api-keys")).status).toBe(401);
  });
});
