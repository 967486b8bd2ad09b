import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../src/operations";
import { body, call } from "../../helpers";

const SAMPLE_PARAMS: Record<string, string> = {
  owner: "someone",
  project: "x",
  projectId: `prj_${"0".repeat(20)}`,
  datasetId: `dst_${"0".repeat(20)}`,
  sessionId: `upl_${"0".repeat(20)}`,
  modelId: `mdl_${"0".repeat(20)}`,
  exportId: `exp_${"0".repeat(20)}`,
  jobId: `job_${"0".repeat(20)}`,
  partNumber: "1",
  name: "file.bin",
};

async function openapi() {
  return body<{ openapi: string; paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>> }>(await call("GET", "/api/openapi.json"));
}

describe("the API reference", () => {
  it("documents every operation of operations.ts, generated from the routes (OpenAPI 3.1)", async () => {
    const doc = await openapi();
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(documented.sort()).toEqual(Object.keys(OPERATIONS).sort());
    expect(Object.keys(doc.paths)).toContain("/api/projects/{projectId}");
    expect(Object.keys(doc.paths)).toContain("/api/projects/{owner}/{project}");
  });

  it("serves an interactive reference whose script comes from EdgeHub's own assets, not a CDN", async () => {
    const page = await call("GET", "/api/docs");
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("/static/scalar/standalone.js");
    expect(html).not.toMatch(/cdn\.jsdelivr|unpkg\.com/);
    const script = await env.ASSETS!.fetch("http://assets.local/static/scalar/standalone.js");
    expect(script.status).toBe(200);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
  });
});

describe("every operation that needs credentials", () => {
  const needsAuth = Object.entries(OPERATIONS).filter(([, rule]) => rule.access === "key" || rule.access === "session");
  it(`answers 401 UNAUTHORIZED without them (${needsAuth.length} operations)`, async () => {
    const doc = await openapi();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const rule = OPERATIONS[op.operationId as keyof typeof OPERATIONS];
        if (rule.access !== "key" && rule.access !== "session") continue;
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? "x");
        const response = await call(method.toUpperCase(), url, method === "get" || method === "delete" ? {} : { json: {} });
        expect.soft(response.status, `${method.toUpperCase()} ${path}`).toBe(401);
        expect.soft((await body(response)).code, `${method.toUpperCase()} ${path}`).toBe("UNAUTHORIZED");
      }
    }
  });
});
