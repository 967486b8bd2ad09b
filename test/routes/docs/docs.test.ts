import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../src/operations";
import { body, call } from "../../helpers";

async function openapi() {
  return body<{
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
  }>(await call("GET", "/api/openapi.json"));
}

describe("the API reference", () => {
  it("documents every operation of operations.ts, generated from the routes (OpenAPI 3.1)", async () => {
    const doc = await openapi();
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    const mounted = Object.entries(OPERATIONS).filter(([, rule]) => !("localOnly" in rule));
    expect(documented.sort()).toEqual(mounted.map(([id]) => id).sort());
    expect(Object.keys(doc.paths)).toContain("/api/projects/{projectId}");
    expect(Object.keys(doc.paths)).toContain("/api/projects/{owner}/{project}");
  });

  it("mounts the dev queue proxy only where the local queue gateway is bound", async () => {
    const local = Object.entries(OPERATIONS).filter(([, rule]) => "localOnly" in rule);
    expect(local.map(([id]) => id).sort()).toEqual([
      "post_internal_queues_queue_messages_ack",
      "post_internal_queues_queue_messages_pull",
    ]);
    const pull = await call("POST", "/internal/queues/cpu-jobs/messages/pull", { json: { batch_size: 1 } });
    expect(pull.status).toBe(404);
    expect((await body(pull)).error).toMatch(/No route/);
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
