import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../helpers";

function gate(name: string) {
  return env.KEY_GATE.get(env.KEY_GATE.idFromName(name));
}

describe("the KeyGate limiter", () => {
  it("lets exactly 100 of 150 concurrent requests on one key through in one window", async () => {
    const t = await newTenant();
    // limit=0 fails validation after the gate has counted the request, so nothing else varies.
    const responses = await Promise.all(
      Array.from({ length: 150 }, () => call("GET", "/api/projects?limit=0", { auth: t.key })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
  });

  it("answers 429 with Retry-After, X-RateLimit-* and the error body", async () => {
    const t = await newTenant();
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) last = await call("POST", "/api/upload/signed-url", { auth: t.key, json: {} });
    expect(last!.status).toBe(429);
    expect(await body(last!)).toMatchObject({ code: "RATE_LIMITED" });
    expect(Number(last!.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(Number(last!.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
    expect(last!.headers.get("X-RateLimit-Limit")).toBe("10");
    expect(last!.headers.get("X-RateLimit-Remaining")).toBe("0");
    expect(new Date(last!.headers.get("X-RateLimit-Reset")!).getTime()).toBeGreaterThan(Date.now());
  });

  it("keeps one independent counter per category", async () => {
    const t = await newTenant();
    for (let i = 0; i < 10; i++) await call("POST", "/api/upload/signed-url", { auth: t.key, json: {} });
    expect((await call("POST", "/api/upload/signed-url", { auth: t.key, json: {} })).status).toBe(429);
    const other = await call("GET", "/api/projects", { auth: t.key });
    expect(other.status).toBe(200);
    expect(other.headers.get("X-RateLimit-Limit")).toBe("100");
  });

  it("slides: a request frees its slot exactly one window after it was counted", async () => {
    const g = gate("test:sliding");
    const t0 = 1_000_000;
    for (let i = 0; i < 50; i++) expect(await g.take("default", t0)).toMatchObject({ allowed: true });
    for (let i = 0; i < 50; i++) await g.take("default", t0 + 30_000);
    expect(await g.take("default", t0 + 59_999)).toMatchObject({ allowed: false, remaining: 0, resetAt: t0 + 60_000 });
    const afterFirstHalf = await g.take("default", t0 + 60_000);
    expect(afterFirstHalf).toMatchObject({ allowed: true, remaining: 49 });
    for (let i = 0; i < 49; i++) await g.take("default", t0 + 60_001);
    expect(await g.take("default", t0 + 60_002)).toMatchObject({ allowed: false, resetAt: t0 + 90_000 });
    expect(await g.take("default", t0 + 90_000)).toMatchObject({ allowed: true });
  });

  it("keeps its counts across a restart of the object (persisted in the background)", async () => {
    const g = gate("test:restart");
    const now = Date.now();
    for (let i = 0; i < 10; i++) await g.take("upload", now);
    expect(await g.take("upload", now)).toMatchObject({ allowed: false });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the 1 s flush
    await abortAllDurableObjects();
    expect(await gate("test:restart").take("upload", now + 1)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it("limits anonymous callers per IP, and does not limit signed transfers or dedicated routes", async () => {
    const g = gate("ip:198.51.100.1");
    expect(await g.take("dedicated", Date.now())).toBeNull();
    expect(await g.take("none", Date.now())).toBeNull();
    const a = await call("GET", "/api/health", { ip: "198.51.100.2" });
    const b = await call("GET", "/api/health", { ip: "198.51.100.2" });
    const c = await call("GET", "/api/health", { ip: "198.51.100.3" });
    expect(Number(a.headers.get("X-RateLimit-Remaining")) - Number(b.headers.get("X-RateLimit-Remaining"))).toBe(1);
    expect(c.headers.get("X-RateLimit-Remaining")).toBe("99");
  });
});
