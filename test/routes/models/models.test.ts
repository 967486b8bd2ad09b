import { describe, expect, it } from "vitest";
import { body, call, newTenant, type Tenant } from "../../helpers";

async function project(t: Tenant, slug: string, extra: Record<string, unknown> = {}) {
  return body(await call("POST", "/api/projects", { auth: t.key, json: { project: slug, ...extra } }));
}

async function model(t: Tenant, json: Record<string, unknown>) {
  const response = await call("POST", "/api/models", { auth: t.key, json });
  return { response, created: await body(response) };
}

describe("models: create, read, list", () => {
  it("creates by projectId (docs) and by owner/project (contract), reads both path forms", async () => {
    const t = await newTenant();
    const { id: projectId } = await project(t, "vision");
    const byId = await model(t, { projectId, name: "Detector One", task: "detect" });
    expect(byId.response.status).toBe(201);
    expect(byId.created).toMatchObject({ owner: t.username, project: "vision", model: "detector-one", region: "us" });
    expect(byId.created.id).toMatch(/^mdl_[0-9a-z]{20}$/);

    const byName = await model(t, { project: "vision", model: "yolo11n", name: "YOLO11n" });
    expect(byName.created).toMatchObject({ project: "vision", model: "yolo11n" });

    const contract = await body(await call("GET", `/api/models/${t.username}/vision/detector-one`, { auth: t.key }));
    expect(contract.isOwner).toBe(true);
    expect(contract.model).toMatchObject({
      id: byId.created.id,
      owner: t.username,
      project: "vision",
      projectName: "vision",
      model: "detector-one",
      name: "Detector One",
      task: "detect",
      status: "untrained",
      hasWeights: false,
      visibility: "private",
      metadata: {},
    });
    expect(contract.model._id).toBeUndefined();

    const docs = await body(await call("GET", `/api/models/${byId.created.id}`, { auth: t.key }));
    expect(docs.model).toMatchObject({ _id: byId.created.id, slug: "detector-one", projectId, username: t.username });

    const listed = await body(await call("GET", `/api/models?projectId=${projectId}`, { auth: t.key }));
    expect(listed.models.map((m: { model: string }) => m.model)).toEqual(["yolo11n", "detector-one"]);
    const narrowed = await body(
      await call("GET", `/api/models?projectId=${projectId}&ids=${byName.created.id}`, { auth: t.key }),
    );
    expect(narrowed.models.map((m: { id: string }) => m.id)).toEqual([byName.created.id]);
    const owned = await body(await call("GET", `/api/models/${t.username}/vision?limit=1`, { auth: t.key }));
    expect(owned.models).toHaveLength(1);
    expect(owned.models[0].slug).toBeUndefined();

    const detail = await body(await call("GET", `/api/projects/${t.username}/vision`, { auth: t.key }));
    expect(detail.project).toMatchObject({ modelCount: 2, modelNames: ["YOLO11n", "Detector One"] });
    expect(detail.models.map((m: { model: string }) => m.model)).toEqual(["yolo11n", "detector-one"]);
  });

  it("refuses a taken name with 409, a bad body with 400 naming the field, and a foreign project with 404", async () => {
    const t = await newTenant();
    const outsider = await newTenant();
    const { id: projectId } = await project(t, "p");
    await model(t, { projectId, model: "m1" });
    const taken = await model(t, { projectId, model: "m1" });
    expect(taken.response.status).toBe(409);
    expect(taken.created.code).toBe("CONFLICT");

    for (const bad of [
      { projectId, model: "Bad Name" },
      { projectId, task: "dance" },
      { model: "x" },
      { projectId, name: "x".repeat(101) },
      { projectId: "prj_'; drop table models;--" },
    ]) {
      const { response, created } = await model(t, bad);
      expect(response.status, JSON.stringify(bad)).toBe(400);
      expect(created.code).toBe("VALIDATION_ERROR");
    }
    const foreign = await model(outsider, { projectId, model: "mine" });
    expect(foreign.response.status).toBe(404);
    const listed = await body(await call("GET", `/api/models?projectId=${projectId}`, { auth: t.key }));
    expect(listed.models).toHaveLength(1);
  });

  it("hides private models from outsiders (404) and shows public ones of public projects to anyone", async () => {
    const owner = await newTenant();
    const outsider = await newTenant();
    const { id: openProject } = await project(owner, "open", { visibility: "public" });
    const { created: shown } = await model(owner, { projectId: openProject, model: "shown", visibility: "public" });
    const { created: hidden } = await model(owner, { projectId: openProject, model: "hidden", visibility: "private" });
    expect((await call("GET", `/api/models/${shown.id}`)).status).toBe(200);
    for (const path of [
      `/api/models/${hidden.id}`,
      `/api/models/${owner.username}/open/hidden`,
      `/api/models/${hidden.id}/files`,
    ]) {
      const response = await call("GET", path, { auth: outsider.key });
      expect(response.status, path).toBe(404);
      expect(await body(response)).toEqual({ error: "Model not found", code: "NOT_FOUND" });
    }
    const anonymousList = await body(await call("GET", `/api/models/${owner.username}/open`));
    expect(anonymousList.models.map((m: { model: string }) => m.model)).toEqual(["shown"]);

    const { id: closed } = await project(owner, "closed");
    const { created: inClosed } = await model(owner, {
      projectId: closed,
      model: "public-but-closed",
      visibility: "public",
    });
    expect((await call("GET", `/api/models/${inClosed.id}`, { auth: outsider.key })).status).toBe(404);
    const patch = await call("PATCH", `/api/models/${shown.id}`, { auth: outsider.key, json: { name: "mine now" } });
    expect(patch.status).toBe(403);
  });
});

describe("models: update, star, delete, restore", () => {
  it("renames (URL name follows), stars, and trashes then restores", async () => {
    const t = await newTenant();
    const { id: projectId } = await project(t, "p");
    const { created } = await model(t, { projectId, model: "first" });
    const renamed = await call("PATCH", `/api/models/${t.username}/p/first`, {
      auth: t.key,
      json: { name: "Second Try", description: "better" },
    });
    expect(await body(renamed)).toEqual({ success: true, model: "second-try" });
    expect((await call("GET", `/api/models/${t.username}/p/first`, { auth: t.key })).status).toBe(404);

    const starred = await body(
      await call("PATCH", `/api/models/${created.id}`, { auth: t.key, json: { starred: true } }),
    );
    expect(starred).toEqual({ starred: true, starCount: 1 });
    const again = await body(
      await call("PATCH", `/api/models/${created.id}`, { auth: t.key, json: { starred: true } }),
    );
    expect(again.starCount).toBe(1);
    expect(
      (await call("PATCH", `/api/models/${created.id}`, { auth: t.key, json: { status: "exploded" } })).status,
    ).toBe(400);

    const deleted = await call("DELETE", `/api/models/${t.username}/p/second-try`, { auth: t.key });
    expect(await body(deleted)).toEqual({ success: true });
    expect((await call("GET", `/api/models/${created.id}`, { auth: t.key })).status).toBe(404);
    const trash = await body(await call("GET", "/api/trash?type=model", { auth: t.key }));
    expect(trash.items).toMatchObject([
      { _id: created.id, type: "model", name: "Second Try", parentProject: { _id: projectId, slug: "p" } },
    ]);

    expect(
      await body(await call("POST", "/api/trash", { auth: t.key, json: { id: created.id, type: "model" } })),
    ).toMatchObject({ success: true });
    expect((await call("GET", `/api/models/${created.id}`, { auth: t.key })).status).toBe(200);
  });

  it("goes to the trash with its project, counted as cascaded, and comes back with it", async () => {
    const t = await newTenant();
    const { id: projectId } = await project(t, "p");
    const { created } = await model(t, { projectId, model: "inside" });
    const deleted = await body(await call("DELETE", `/api/projects/${projectId}`, { auth: t.key }));
    expect(deleted).toEqual({ success: true, cascadedModels: 1 });
    expect((await call("GET", `/api/models/${created.id}`, { auth: t.key })).status).toBe(404);
    await call("POST", "/api/trash", { auth: t.key, json: { id: projectId, type: "project" } });
    expect((await call("GET", `/api/models/${created.id}`, { auth: t.key })).status).toBe(200);
  });

  it("lists completed models of the caller's workspace", async () => {
    const t = await newTenant();
    const { id: projectId } = await project(t, "p");
    await model(t, { projectId, model: "fresh" });
    await model(t, {
      projectId,
      model: "done",
      completedAt: "2026-11-25T03:52:51.000Z",
      metrics: { "metrics/mAP50(B)": 0.995 },
    });
    const completed = await body(await call("GET", "/api/models/completed", { auth: t.key }));
    expect(completed.models.map((m: { model: string }) => m.model)).toEqual(["done"]);
    expect(completed.models[0]).toMatchObject({ status: "completed", metrics: { "metrics/mAP50(B)": 0.995 } });
    expect((await call("GET", "/api/models/completed")).status).toBe(401);
  });
});
