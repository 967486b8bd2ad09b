import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { trashItems } from "../../../src/db/schema";
import worker from "../../../src/index";
import { body, call, newTenant, withDb } from "../../helpers";

async function trashedProject(auth: string, project: string) {
  const { id } = await body(await call("POST", "/api/projects", { auth, json: { project } }));
  const deleted = await call("DELETE", `/api/projects/${id}`, { auth });
  expect(await body(deleted)).toEqual({ success: true, cascadedModels: 0 });
  return id as string;
}

describe("DELETE /api/projects and the trash", () => {
  it("moves a deleted project to the trash, out of lists, and back on restore", async () => {
    const t = await newTenant();
    const id = await trashedProject(t.key, "gone");
    expect((await call("GET", `/api/projects/${id}`, { auth: t.key })).status).toBe(404);
    expect((await body(await call("GET", "/api/projects", { auth: t.key }))).total).toBe(0);

    const trash = await body(await call("GET", "/api/trash", { auth: t.key }));
    expect(trash).toMatchObject({ total: 1, page: 1, limit: 50, totalPages: 1, region: "us" });
    expect(trash.items[0]).toMatchObject({ _id: id, type: "project", name: "gone", slug: "gone", daysRemaining: 30 });
    expect(trash.summary).toMatchObject({ totalItems: 1, byType: { projects: { count: 1 } } });

    expect(await body(await call("POST", "/api/trash", { auth: t.key, json: { id, type: "project" } }))).toMatchObject({
      success: true,
    });
    expect((await call("GET", `/api/projects/${id}`, { auth: t.key })).status).toBe(200);
    expect((await body(await call("GET", "/api/trash", { auth: t.key }))).total).toBe(0);
  });

  it("deletes through the owner/slug path too", async () => {
    const t = await newTenant();
    await call("POST", "/api/projects", { auth: t.key, json: { project: "slugged" } });
    expect((await call("DELETE", `/api/projects/${t.username}/slugged`, { auth: t.key })).status).toBe(200);
    expect((await call("DELETE", `/api/projects/${t.username}/slugged`, { auth: t.key })).status).toBe(404);
  });

  it("refuses to restore over a live project with the same name (409) and keeps both as they were", async () => {
    const t = await newTenant();
    const id = await trashedProject(t.key, "twin");
    await call("POST", "/api/projects", { auth: t.key, json: { project: "twin" } });
    const response = await call("POST", "/api/trash", { auth: t.key, json: { id, type: "project" } });
    expect(response.status).toBe(409);
    expect((await body(await call("GET", "/api/trash", { auth: t.key }))).total).toBe(1);
  });

  it("permanently deletes one item, and its icon leaves R2 and the storage counters", async () => {
    const t = await newTenant();
    const { id } = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: "with-icon" } }));
    const form = new FormData();
    form.append("file", new File([new Uint8Array(100)], "i.png", { type: "image/png" }));
    await call("POST", `/api/projects/${id}/icon`, { auth: t.session, body: form });
    const listed = await env.BUCKET.list({ prefix: `ws/${t.workspaceId}/icons/${id}/` });
    expect(listed.objects).toHaveLength(1);
    await call("DELETE", `/api/projects/${id}`, { auth: t.key });

    const response = await call("DELETE", "/api/trash", { auth: t.key, json: { id, type: "project" } });
    expect(await body(response)).toEqual({ success: true, deletedCount: 1, cascadedModels: 0 });
    expect((await env.BUCKET.list({ prefix: `ws/${t.workspaceId}/icons/${id}/` })).objects).toHaveLength(0);
    expect((await call("POST", "/api/trash", { auth: t.key, json: { id, type: "project" } })).status).toBe(404);
  });

  it("empties the trash only for a browser session", async () => {
    const t = await newTenant();
    await trashedProject(t.key, "e1");
    await trashedProject(t.key, "e2");
    expect((await call("DELETE", "/api/trash/empty", { auth: t.key })).status).toBe(403);
    expect((await call("DELETE", "/api/trash", { auth: t.key, json: { all: true } })).status).toBe(403);
    expect(await body(await call("DELETE", "/api/trash/empty", { auth: t.session }))).toMatchObject({
      success: true,
      deletedCount: 2,
    });
    expect((await body(await call("GET", "/api/trash", { auth: t.key }))).total).toBe(0);
  });

  it("filters and pages", async () => {
    const t = await newTenant();
    for (const name of ["p1", "p2", "p3"]) await trashedProject(t.key, name);
    const page2 = await body(await call("GET", "/api/trash?type=project&page=2&limit=2", { auth: t.key }));
    expect(page2).toMatchObject({ total: 3, page: 2, limit: 2, totalPages: 2 });
    expect(page2.items).toHaveLength(1);
    expect((await body(await call("GET", "/api/trash?type=model", { auth: t.key }))).total).toBe(0);
  });

  it("answers 400 for bad input, 404 for someone else's item", async () => {
    const owner = await newTenant();
    const other = await newTenant();
    const id = await trashedProject(owner.key, "mine");
    for (const json of [
      { id },
      { id, type: "folder" },
      { id: "", type: "project" },
      { id, type: "project", extra: 1 },
    ]) {
      expect((await call("POST", "/api/trash", { auth: owner.key, json })).status).toBe(400);
    }
    expect((await call("GET", "/api/trash?type=folder", { auth: owner.key })).status).toBe(400);
    expect((await call("GET", "/api/trash?limit=201", { auth: owner.key })).status).toBe(400);
    expect((await call("POST", "/api/trash", { auth: other.key, json: { id, type: "project" } })).status).toBe(404);
    expect((await call("DELETE", "/api/trash", { auth: other.key, json: { id, type: "project" } })).status).toBe(404);
    expect((await body(await call("GET", "/api/trash", { auth: owner.key }))).total).toBe(1);
  });

  it("is purged by the hourly cron after 30 days, not before", async () => {
    const t = await newTenant();
    const old = await trashedProject(t.key, "old");
    const recent = await trashedProject(t.key, "recent");
    await withDb((db) =>
      db
        .update(trashItems)
        .set({ trashedAt: new Date(Date.now() - 31 * 86_400_000) })
        .where(eq(trashItems.resourceId, old)),
    );

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    const ids = (await body(await call("GET", "/api/trash", { auth: t.key }))).items.map(
      (item: { _id: string }) => item._id,
    );
    expect(ids).toEqual([recent]);
    expect((await call("POST", "/api/trash", { auth: t.key, json: { id: old, type: "project" } })).status).toBe(404);
  });
});
