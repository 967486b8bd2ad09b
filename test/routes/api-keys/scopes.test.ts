import { env, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hashApiKey } from "../../../src/auth/api-key";
import { keyGateName } from "../../../src/auth/authenticate";
import { idempotencyKeys, projects } from "../../../src/db/schema";
import { body, call, newTenant, withDb } from "../../helpers";

describe("API key scopes", () => {
  it("a read key reads and predicts but changes nothing; a write key changes but cannot manage keys", async () => {
    const t = await newTenant();
    const read = await body(
      await call("POST", "/api/api-keys", { auth: t.key, json: { name: "dashboard", scopes: ["read"] } }),
    );
    const write = await body(
      await call("POST", "/api/api-keys", { auth: t.session, json: { name: "ci", scopes: ["write"] } }),
    );
    expect(read.scopes).toEqual(["read"]);
    expect((await body(await call("GET", `/api/api-keys/${read.keyId}`, { auth: t.key }))).scopes).toEqual(["read"]);

    expect((await call("GET", "/api/projects", { auth: read.key })).status).toBe(200);
    const refused = await call("POST", "/api/projects", { auth: read.key, json: { project: "nope" } });
    expect(refused.status).toBe(403);
    expect((await body(refused)).error).toMatch(/scopes \(read\) do not allow this operation: it needs write/);
    expect((await call("POST", "/api/api-keys", { auth: read.key, json: { name: "escalate" } })).status).toBe(403);
    expect((await call("DELETE", `/api/api-keys?keyId=${t.keyId}`, { auth: read.key })).status).toBe(403);

    expect((await call("POST", "/api/projects", { auth: write.key, json: { project: "made-by-ci" } })).status).toBe(
      201,
    );
    expect((await call("POST", "/api/api-keys", { auth: write.key, json: { name: "escalate" } })).status).toBe(403);
    expect((await call("DELETE", `/api/api-keys?keyId=${read.keyId}`, { auth: write.key })).status).toBe(403);

    const made = await withDb((db) =>
      db.select({ slug: projects.slug }).from(projects).where(eq(projects.workspaceId, t.workspaceId)),
    );
    expect(made.map((row) => row.slug)).toEqual(["made-by-ci"]);
    // Keys made before scopes existed, like the tenant's own, are admin.
    expect((await body(await call("GET", `/api/api-keys/${t.keyId}`, { auth: t.key }))).scopes).toEqual(["admin"]);
    expect((await call("GET", `/api/api-keys/${t.keyId}`, { auth: (await newTenant()).key })).status).toBe(404);
  });

  it("refuses unknown scopes", async () => {
    const t = await newTenant();
    for (const scopes of [["root"], [], "admin"]) {
      const response = await call("POST", "/api/api-keys", { auth: t.key, json: { name: "x", scopes } });
      expect(response.status).toBe(400);
      expect((await body(response)).error).toMatch(/scopes/);
    }
  });
});

describe("POST /api/api-keys with an Idempotency-Key", () => {
  it("stores no secret: the replay answers 409 naming the key, and the key is not in the database", async () => {
    const t = await newTenant();
    const headers = { "Idempotency-Key": `create-${crypto.randomUUID()}` };
    const first = await call("POST", "/api/api-keys", { auth: t.key, json: { name: "once" }, headers });
    expect(first.status).toBe(201);
    const created = await body(first);
    const replay = await call("POST", "/api/api-keys", { auth: t.key, json: { name: "once" }, headers });
    expect(replay.status).toBe(409);
    const answer = await body(replay);
    expect(answer.error).toContain(created.keyId);
    expect(JSON.stringify(answer)).not.toContain(created.key);
    const stored = await withDb((db) =>
      db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, headers["Idempotency-Key"])),
    );
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(created.key);
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(3));
  });
});

describe("unknown API keys", () => {
  it("300 unknown keys from one IP: after the IP's look-up limit they are 429, and none leaves a stored row", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const statuses: number[] = [];
    const keys: string[] = [];
    for (let n = 0; n < 300; n++) {
      const key = `ul_${[...crypto.getRandomValues(new Uint8Array(20))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
      const response = await call("GET", "/api/projects", { auth: key, ip });
      await response.arrayBuffer();
      keys.push(key);
      statuses.push(response.status);
    }
    const unauthorized = statuses.filter((status) => status === 401).length;
    expect(unauthorized).toBeLessThanOrEqual(100);
    expect(statuses.filter((status) => status === 429).length).toBe(300 - unauthorized);
    const limited = await call("GET", "/api/projects", { auth: keys[299], ip });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect((await body(limited)).error).toMatch(/API key look-ups from this address/);
    // Another address is not affected.
    expect((await call("GET", "/api/projects", { auth: keys[298], ip: "192.0.2.200" })).status).toBe(401);
    // The gates of unknown keys hold nothing.
    for (const key of [keys[0]!, keys[250]!]) {
      const gate = env.KEY_GATE.get(env.KEY_GATE.idFromName(keyGateName(await hashApiKey(key))));
      const tables = await runInDurableObject(gate, (_, state) =>
        state.storage.sql.exec("select name from sqlite_master where name = 'principal'").toArray(),
      );
      expect(tables).toEqual([]);
    }
  }, 90_000);
});
