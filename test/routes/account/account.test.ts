import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../../helpers";

describe("GET /api/account/summary", () => {
  it("answers username (what `yolo login` checks), plan, balance and live counts", async () => {
    const t = await newTenant();
    await call("POST", "/api/projects", { auth: t.key, json: { project: "one" } });
    const { id } = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: "two" } }));
    await call("DELETE", `/api/projects/${id}`, { auth: t.key });
    const response = await call("GET", "/api/account/summary", { auth: t.key });
    expect(response.status).toBe(200);
    expect(await body(response)).toEqual({
      username: t.username,
      name: t.username,
      accountType: "personal",
      plan: "free",
      creditsCents: 0,
      counts: { projects: 1, datasets: 0, models: 0 },
      teams: [],
    });
  });

  it("answers 401 without a key", async () => {
    expect(await body(await call("GET", "/api/account/summary"))).toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("GET /api/storage", () => {
  it("reports zero usage against the free plan's 100 GiB for a new workspace", async () => {
    const t = await newTenant();
    const storage = await body(await call("GET", "/api/storage", { auth: t.key }));
    expect(storage).toEqual({
      tier: "free",
      usage: { storage: { current: 0, limit: 100 * 1024 ** 3, percent: 0 } },
      updatedAt: null,
      breakdown: {
        byCategory: {
          datasets: { bytes: 0, count: 0 },
          models: { bytes: 0, count: 0 },
          exports: { bytes: 0, count: 0 },
        },
        topItems: [],
      },
      region: "us",
      username: t.username,
    });
    expect((await call("GET", "/api/storage?details=maybe", { auth: t.key })).status).toBe(400);
  });
});
