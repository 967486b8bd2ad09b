import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../../helpers";

describe("the error envelope", () => {
  it("answers unknown routes with 404 NOT_FOUND and a request id", async () => {
    const response = await call("GET", "/api/nowhere");
    expect(response.status).toBe(404);
    expect(await body(response)).toEqual({ error: "No route for GET /api/nowhere", code: "NOT_FOUND" });
    expect(response.headers.get("X-Request-Id")).toMatch(/.+/);
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const response = await call("PUT", "/api/projects");
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toContain("GET");
    expect(response.headers.get("Allow")).toContain("POST");
    expect(await body(response)).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
  });

  it("tells 405 from 404 on paths with parameters too", async () => {
    const response = await call("PUT", "/api/projects/someone");
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET");
    expect((await call("PUT", `/api/projects/prj_${"0".repeat(20)}/icon`)).headers.get("Allow")).toContain("POST");
  });

  it("echoes a caller's X-Request-Id", async () => {
    const response = await call("GET", "/api/health", { headers: { "X-Request-Id": "trace-123" } });
    expect(response.headers.get("X-Request-Id")).toBe("trace-123");
  });

  it("never leaks a stack trace", async () => {
    const t = await newTenant();
    const response = await call("POST", "/api/projects", {
      auth: t.key,
      body: '{"project": ',
      headers: { "Content-Type": "application/json" },
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).not.toMatch(/at .*\.ts|Error:/);
  });
});

describe("authentication", () => {
  it("answers 401 for a bad Authorization scheme or an invalid session token", async () => {
    expect((await call("GET", "/api/api-keys", { headers: { Authorization: "Basic abc" } })).status).toBe(401);
    expect((await call("GET", "/api/api-keys", { auth: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad" })).status).toBe(401);
  });

  it("accepts a session token on key routes and a session cookie too", async () => {
    const t = await newTenant();
    expect((await call("GET", "/api/account/summary", { auth: t.session })).status).toBe(200);
    expect(
      (await call("GET", "/api/account/summary", { headers: { Cookie: `edgehub_session=${t.session}` } })).status,
    ).toBe(200);
  });

  it("tells 401 (no or bad credentials) from 403 (a key on a session-only route)", async () => {
    const t = await newTenant();
    expect((await call("DELETE", "/api/trash/empty")).status).toBe(401);
    expect((await call("DELETE", "/api/trash/empty", { auth: t.key })).status).toBe(403);
  });
});

describe("NUL characters (Postgres text cannot hold U+0000)", () => {
  it("refuses a NUL in a JSON field or key with 400 naming it, and writes nothing", async () => {
    const t = await newTenant();
    const inField = await call("POST", "/api/projects", {
      auth: t.key,
      json: { project: "nul-field", description: "a\u0000b" },
    });
    expect(inField.status).toBe(400);
    expect(await body(inField)).toEqual({ error: expect.stringContaining("description"), code: "VALIDATION_ERROR" });
    const inKey = await call("POST", "/api/projects", {
      auth: t.key,
      json: { project: "nul-key", metadata: { "a\u0000": 1 } },
    });
    expect(inKey.status).toBe(400);
    expect(await body(inKey)).toMatchObject({ code: "VALIDATION_ERROR", error: expect.stringContaining("metadata") });
    const listed = await body(await call("GET", "/api/projects", { auth: t.key }));
    expect(listed.projects).toEqual([]);
  });

  it("refuses %00 in a query value or a path segment", async () => {
    const t = await newTenant();
    const query = await call("GET", `/api/projects?username=${t.username}%00`, { auth: t.key });
    expect(query.status).toBe(400);
    expect(await body(query)).toMatchObject({ code: "VALIDATION_ERROR", error: expect.stringContaining("query") });
    const path = await call("GET", `/api/projects/${t.username}/demo%00`, { auth: t.key });
    expect(path.status).toBe(400);
    expect(await body(path)).toMatchObject({ code: "VALIDATION_ERROR" });
  });

  it("keeps an escaped backslash before u0000 (no NUL) as text", async () => {
    const t = await newTenant();
    const created = await call("POST", "/api/projects", {
      auth: t.key,
      body: '{"project":"nul-text","description":"a\\\\u0000b"}',
      headers: { "Content-Type": "application/json" },
    });
    expect(created.status).toBe(201);
    const detail = await body(await call("GET", `/api/projects/${(await body(created)).id}`, { auth: t.key }));
    expect(detail.project.description).toBe("a\\u0000b");
  });
});
