import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../../helpers";

describe("POST /api/projects", () => {
  describe("happy", () => {
    it("creates a project with the contract's vocabulary and answers the contract's shape", async () => {
      const t = await newTenant();
      const response = await call("POST", "/api/projects", {
        auth: t.key,
        json: { project: "inspection", name: "Inspection", description: "Detection experiments" },
      });
      expect(response.status).toBe(201);
      const created = await body(response);
      expect(Object.keys(created).sort()).toEqual(["id", "owner", "project", "region"]);
      expect(created).toMatchObject({ owner: t.username, project: "inspection", region: "us" });
      expect(created.id).toMatch(/^prj_[0-9a-z]{20}$/);
    });

    it("accepts the docs' vocabulary (slug) and derives the URL name from a display name alone", async () => {
      const t = await newTenant();
      const bySlug = await body(
        await call("POST", "/api/projects", { auth: t.key, json: { name: "my-project", slug: "my-project" } }),
      );
      expect(bySlug.project).toBe("my-project");
      const byName = await body(await call("POST", "/api/projects", { auth: t.key, json: { name: "Line 4 Cameras" } }));
      expect(byName.project).toBe("line-4-cameras");
    });

    it("takes the legacy x-api-key header too", async () => {
      const t = await newTenant();
      const response = await call("POST", "/api/projects", {
        headers: { "x-api-key": t.key },
        json: { project: "legacy" },
      });
      expect(response.status).toBe(201);
    });
  });

  describe("conflicts and idempotency", () => {
    it("answers 409 CONFLICT for a taken slug in the same workspace, but not in another", async () => {
      const a = await newTenant();
      const b = await newTenant();
      expect((await call("POST", "/api/projects", { auth: a.key, json: { project: "dup" } })).status).toBe(201);
      const again = await call("POST", "/api/projects", { auth: a.key, json: { project: "dup" } });
      expect(again.status).toBe(409);
      expect(await body(again)).toMatchObject({ code: "CONFLICT" });
      expect((await call("POST", "/api/projects", { auth: b.key, json: { project: "dup" } })).status).toBe(201);
    });

    it("replays the first answer for a retry with the same Idempotency-Key and creates nothing new", async () => {
      const t = await newTenant();
      const send = (json: unknown) =>
        call("POST", "/api/projects", { auth: t.key, json, headers: { "Idempotency-Key": "create-once" } });
      const first = await send({ project: "retried" });
      const second = await send({ project: "retried" });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers.get("Idempotent-Replayed")).toBe("true");
      expect(await body(second)).toEqual(await body(first));
      const list = await body(await call("GET", `/api/projects/${t.username}`, { auth: t.key }));
      expect(list.total).toBe(1);
    });

    it("answers 409 when the same Idempotency-Key comes with a different body", async () => {
      const t = await newTenant();
      await call("POST", "/api/projects", {
        auth: t.key,
        json: { project: "one" },
        headers: { "Idempotency-Key": "k1" },
      });
      const other = await call("POST", "/api/projects", {
        auth: t.key,
        json: { project: "two" },
        headers: { "Idempotency-Key": "k1" },
      });
      expect(other.status).toBe(409);
      expect((await body(other)).error).toMatch(/different request/);
      expect((await body(await call("GET", `/api/projects/${t.username}`, { auth: t.key }))).total).toBe(1);
    });
  });

  describe("bad input", () => {
    const cases: [string, unknown, string][] = [
      ["capitals in the slug", { project: "MyProject" }, "project"],
      ["a unicode slug", { project: "projét" }, "project"],
      ["an SQL-ish slug", { project: "x'; drop table projects;--" }, "project"],
      ["an oversize slug", { project: "a".repeat(129) }, "project"],
      ["an oversize name", { project: "ok", name: "n".repeat(101) }, "name"],
      ["a blank name", { project: "ok", name: "   " }, "name"],
      ["a wrong type", { project: 42 }, "project"],
      ["a bad visibility", { project: "ok", visibility: "secret" }, "visibility"],
      ["too many tags", { project: "ok", tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, "tags"],
      ["nothing at all", {}, "project"],
    ];
    for (const [what, json, field] of cases) {
      it(`answers 400 VALIDATION_ERROR naming ${field} for ${what}, and creates nothing`, async () => {
        const t = await newTenant();
        const response = await call("POST", "/api/projects", { auth: t.key, json });
        expect(response.status).toBe(400);
        const error = await body(response);
        expect(error.code).toBe("VALIDATION_ERROR");
        expect(error.error).toContain(field);
        expect((await body(await call("GET", `/api/projects/${t.username}`, { auth: t.key }))).total).toBe(0);
      });
    }

    it("answers 400 for malformed JSON and 415 for a non-JSON content type", async () => {
      const t = await newTenant();
      const malformed = await call("POST", "/api/projects", {
        auth: t.key,
        body: "{not json",
        headers: { "Content-Type": "application/json" },
      });
      expect(malformed.status).toBe(400);
      expect(await body(malformed)).toMatchObject({ code: "VALIDATION_ERROR" });
      const text = await call("POST", "/api/projects", {
        auth: t.key,
        body: "project=x",
        headers: { "Content-Type": "text/plain" },
      });
      expect([400, 415]).toContain(text.status);
      expect((await body(text)).code).toMatch(/VALIDATION_ERROR|UNSUPPORTED_MEDIA_TYPE/);
    });

    it("answers 413 for a body over the JSON cap", async () => {
      const t = await newTenant();
      const response = await call("POST", "/api/projects", {
        auth: t.key,
        json: { project: "big", description: "x".repeat(3 * 1024 * 1024) },
      });
      expect(response.status).toBe(413);
      expect(await body(response)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    });
  });

  describe("access", () => {
    it("answers 401 without a key and with a malformed or unknown one", async () => {
      expect((await call("POST", "/api/projects", { json: { project: "x" } })).status).toBe(401);
      expect((await call("POST", "/api/projects", { auth: "ul_nothex", json: { project: "x" } })).status).toBe(401);
      const unknown = await call("POST", "/api/projects", { auth: `ul_${"0".repeat(40)}`, json: { project: "x" } });
      expect(unknown.status).toBe(401);
      expect(await body(unknown)).toMatchObject({ code: "UNAUTHORIZED" });
    });

    it("answers 403 for another user's workspace as owner", async () => {
      const a = await newTenant();
      const b = await newTenant();
      const response = await call("POST", "/api/projects", { auth: a.key, json: { project: "x", owner: b.username } });
      expect(response.status).toBe(403);
      expect(await body(response)).toMatchObject({ code: "FORBIDDEN" });
    });
  });
});
