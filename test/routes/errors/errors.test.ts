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
    const response = await call("POST", "/api/projects", { auth: t.key, body: '{"project": ', headers: { "Content-Type": "application/json" } });
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
    expect((await call("GET", "/api/account/summary", { headers: { Cookie: `edgehub_session=${t.session}` } })).status).toBe(200);
  });

  it("tells 401 (no or bad credentials) from 403 (a key on a session-only route)", async () => {
    const t = await newTenant();
    expect((await call("DELETE", "/api/trash/empty")).status).toBe(401);
    expect((await call("DELETE", "/api/trash/empty", { auth: t.key })).status).toBe(403);
  });
});
