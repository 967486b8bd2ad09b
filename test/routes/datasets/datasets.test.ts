import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { datasets, jobs, models } from "../../../src/db/schema";
import { body, call, newModel, newTenant, withDb, type Tenant } from "../../helpers";
import { claim, heartbeat, report, uploadWeights } from "../../runner-protocol";

async function newDataset(t: Tenant, json: Record<string, unknown>): Promise<string> {
  const response = await call("POST", "/api/datasets", { auth: t.key, json });
  expect(response.status).toBe(201);
  return (await body(response)).id;
}

async function datasetRow(id: string) {
  return withDb(async (db) => (await db.select().from(datasets).where(eq(datasets.id, id)))[0]);
}

describe("datasets", () => {
  it("creates a dataset in either vocabulary and reads it by id and by owner/slug", async () => {
    const t = await newTenant();
    const created = await body(
      await call("POST", "/api/datasets", {
        auth: t.key,
        json: { slug: "coco-mini", name: "Coco Mini", classNames: ["person", "car"], license: "CC-BY-4.0" },
      }),
    );
    expect(created).toEqual({
      id: expect.stringMatching(/^dst_[0-9a-z]{20}$/),
      owner: t.username,
      dataset: "coco-mini",
      region: "us",
    });
    // No URL name given: it comes from the display name.
    expect(
      await body(await call("POST", "/api/datasets", { auth: t.key, json: { name: "Street Signs 2" } })),
    ).toMatchObject({ dataset: "street-signs-2" });

    const byId = (await body(await call("GET", `/api/datasets/${created.id}`, { auth: t.key }))).dataset;
    expect(byId).toMatchObject({
      id: created.id,
      _id: created.id,
      owner: t.username,
      username: t.username,
      dataset: "coco-mini",
      slug: "coco-mini",
      name: "Coco Mini",
      visibility: "private",
      task: "detect",
      format: "yolo",
      imageCount: 0,
      classCount: 2,
      classNames: ["person", "car"],
      license: "CC-BY-4.0",
      splits: { train: 0, val: 0, test: 0, labeled: 0 },
      starCount: 0,
      isStarred: false,
      metadata: {},
    });
    const bySlug = (await body(await call("GET", `/api/datasets/${t.username}/coco-mini`, { auth: t.key }))).dataset;
    expect(bySlug).not.toHaveProperty("_id");
    expect({ ...bySlug, _id: byId._id, slug: byId.slug, username: byId.username }).toEqual(byId);
  });

  it("lists an owner's datasets newest first, narrowed by slug, private ones only to members", async () => {
    const t = await newTenant();
    const other = await newTenant();
    await newDataset(t, { dataset: "a-private", name: "A" });
    await newDataset(t, { dataset: "b-public", name: "B", visibility: "public" });

    const own = await body(await call("GET", "/api/datasets", { auth: t.key }));
    expect(own).toMatchObject({ total: 2, region: "us" });
    expect(own.datasets.map((d: { slug: string }) => d.slug)).toEqual(["b-public", "a-private"]);
    expect(
      (await body(await call("GET", `/api/datasets?slug=a-private`, { auth: t.key }))).datasets.map(
        (d: { dataset: string }) => d.dataset,
      ),
    ).toEqual(["a-private"]);

    for (const auth of [other.key, undefined]) {
      const seen = await body(await call("GET", `/api/datasets/${t.username}`, { auth }));
      expect(seen.total).toBe(1);
      expect(seen.datasets.map((d: { dataset: string }) => d.dataset)).toEqual(["b-public"]);
      expect(seen.datasets[0]).not.toHaveProperty("_id");
    }
    expect((await call("GET", `/api/datasets/${t.username}/a-private`, { auth: other.key })).status).toBe(404);
    expect((await call("GET", `/api/datasets/${t.username}/b-public`)).status).toBe(200);
    expect((await call("GET", "/api/datasets/nobody-at-all")).status).toBe(404);
    // Anonymous callers name an owner.
    expect((await call("GET", "/api/datasets")).status).toBe(401);
  });

  it("refuses a taken name, a model license and a bad task with a 4xx, creating nothing", async () => {
    const t = await newTenant();
    await newDataset(t, { dataset: "taken", name: "Taken" });
    const conflict = await call("POST", "/api/datasets", { auth: t.key, json: { dataset: "taken", name: "Again" } });
    expect(conflict.status).toBe(409);
    expect(await body(conflict)).toMatchObject({ code: "CONFLICT" });
    for (const json of [
      { dataset: "x1", license: "BSD-3-Clause" },
      { dataset: "x2", task: "segmentation" },
      { dataset: "Bad Name" },
      { dataset: "x3", slug: "x4" },
      {},
    ]) {
      const response = await call("POST", "/api/datasets", { auth: t.key, json });
      expect(response.status).toBe(400);
      expect(await body(response)).toMatchObject({ code: "VALIDATION_ERROR" });
    }
    expect((await body(await call("GET", "/api/datasets", { auth: t.key }))).total).toBe(1);
  });

  it("updates, renames with the display name, stars, and refuses outsiders", async () => {
    const t = await newTenant();
    const other = await newTenant();
    const id = await newDataset(t, { dataset: "raw-shots", name: "Raw Shots", visibility: "public" });

    const patched = await call("PATCH", `/api/datasets/${id}`, {
      auth: t.key,
      json: { name: "Clean Shots", classColors: { person: "#ff0000" }, tags: ["street"] },
    });
    expect(await body(patched)).toEqual({ success: true, dataset: "clean-shots" });
    expect(
      (await body(await call("GET", `/api/datasets/${t.username}/clean-shots`, { auth: t.key }))).dataset,
    ).toMatchObject({
      name: "Clean Shots",
      classColors: { person: "#ff0000" },
      tags: ["street"],
    });

    // Anyone signed in may star a public dataset; only editors change it.
    expect((await call("PATCH", `/api/datasets/${id}`, { auth: other.key, json: { starred: true } })).status).toBe(200);
    expect((await body(await call("GET", `/api/datasets/${id}`, { auth: other.key }))).dataset).toMatchObject({
      starCount: 1,
      isStarred: true,
    });
    expect((await body(await call("GET", `/api/datasets/${id}`, { auth: t.key }))).dataset).toMatchObject({
      starCount: 1,
      isStarred: false,
    });
    const refused = await call("PATCH", `/api/datasets/${id}`, { auth: other.key, json: { name: "Mine" } });
    expect(refused.status).toBe(403);
    expect((await datasetRow(id))!.name).toBe("Clean Shots");

    await call("PATCH", `/api/datasets/${id}`, { auth: t.key, json: { visibility: "private" } });
    expect((await call("PATCH", `/api/datasets/${id}`, { auth: other.key, json: { name: "Mine" } })).status).toBe(404);
    expect(
      (await call("PATCH", `/api/datasets/${id}`, { auth: t.key, json: { classColors: { person: "#ff00000000" } } }))
        .status,
    ).toBe(400);
  });

  it("moves a deleted dataset to the trash and back, counts it in the account, and purges it", async () => {
    const t = await newTenant();
    const id = await newDataset(t, { dataset: "short-lived", name: "Short Lived" });
    expect((await body(await call("GET", "/api/account/summary", { auth: t.key }))).counts).toMatchObject({
      datasets: 1,
    });

    expect(await body(await call("DELETE", `/api/datasets/${t.username}/short-lived`, { auth: t.key }))).toEqual({
      success: true,
    });
    expect((await call("GET", `/api/datasets/${id}`, { auth: t.key })).status).toBe(404);
    expect((await body(await call("GET", "/api/account/summary", { auth: t.key }))).counts).toMatchObject({
      datasets: 0,
    });
    const trash = await body(await call("GET", "/api/trash?type=dataset", { auth: t.key }));
    expect(trash.items).toMatchObject([{ _id: id, type: "dataset", slug: "short-lived" }]);
    expect(trash.summary.byType.datasets.count).toBe(1);

    // The name is free while it is trashed; restoring over a live namesake is a 409.
    const namesake = await newDataset(t, { dataset: "short-lived", name: "Namesake" });
    expect((await call("POST", "/api/trash", { auth: t.key, json: { id, type: "dataset" } })).status).toBe(409);
    await call("DELETE", `/api/datasets/${namesake}`, { auth: t.key });
    expect((await call("POST", "/api/trash", { auth: t.key, json: { id, type: "dataset" } })).status).toBe(200);
    expect((await body(await call("GET", `/api/datasets/${id}`, { auth: t.key }))).dataset.name).toBe("Short Lived");

    await call("DELETE", `/api/datasets/${id}`, { auth: t.key });
    expect((await call("DELETE", "/api/trash", { auth: t.key, json: { id, type: "dataset" } })).status).toBe(200);
    expect(await datasetRow(id)).toBeUndefined();
  });
});

describe("GET /api/datasets/{id}/models", () => {
  it("lists the models trained on a dataset, newest first, in both path forms", async () => {
    const t = await newTenant();
    const datasetId = await newDataset(t, { dataset: "parts", name: "Parts" });
    const first = await newModel(t, "first");
    const second = await newModel(t, "second");
    await newModel(t, "unrelated");
    for (const { modelId } of [first, second]) {
      expect((await call("PATCH", `/api/models/${modelId}`, { auth: t.key, json: { datasetId } })).status).toBe(200);
    }
    await withDb((db) =>
      db
        .update(models)
        .set({ metrics: { "metrics/mAP50(B)": 0.5 }, epochs: 3, bestEpoch: 2 })
        .where(eq(models.id, first.modelId)),
    );

    const byId = await body(await call("GET", `/api/datasets/${datasetId}/models`, { auth: t.key }));
    expect(byId.count).toBe(2);
    expect(byId.models.map((m: { id: string }) => m.id)).toEqual([second.modelId, first.modelId]);
    expect(byId.models[1]).toMatchObject({
      id: first.modelId,
      _id: first.modelId,
      owner: t.username,
      username: t.username,
      project: "p-first",
      projectSlug: "p-first",
      projectId: first.projectId,
      model: "first",
      slug: "first",
      status: "untrained",
      epochs: 3,
      bestEpoch: 2,
      metrics: { "metrics/mAP50(B)": 0.5 },
      projectIconLetter: "P",
    });
    expect(byId.models[0].metrics).toEqual({});

    const bySlug = await body(await call("GET", `/api/datasets/${t.username}/parts/models`, { auth: t.key }));
    expect(bySlug.models.map((m: { id: string }) => m.id)).toEqual([second.modelId, first.modelId]);
    expect(bySlug.models[0]).not.toHaveProperty("_id");

    // A trashed model leaves the list; a model's dataset can be cleared.
    await call("DELETE", `/api/models/${second.modelId}`, { auth: t.key });
    await call("PATCH", `/api/models/${first.modelId}`, { auth: t.key, json: { datasetId: null } });
    expect(await body(await call("GET", `/api/datasets/${datasetId}/models`, { auth: t.key }))).toEqual({
      models: [],
      count: 0,
    });
  });

  it("shows outsiders only public models of public projects, and hides a private dataset", async () => {
    const t = await newTenant();
    const other = await newTenant();
    const datasetId = await newDataset(t, { dataset: "shared", name: "Shared", visibility: "public" });
    const hidden = await newModel(t, "hidden");
    const shown = await newModel(t, "shown");
    await call("PATCH", `/api/projects/${shown.projectId}`, { auth: t.key, json: { visibility: "public" } });
    await call("PATCH", `/api/models/${shown.modelId}`, { auth: t.key, json: { visibility: "public", datasetId } });
    await call("PATCH", `/api/models/${hidden.modelId}`, { auth: t.key, json: { visibility: "public", datasetId } });
    // Another workspace's public model trained on the public dataset shows to everyone.
    const foreign = await newModel(other, "foreign");
    await call("PATCH", `/api/projects/${foreign.projectId}`, { auth: other.key, json: { visibility: "public" } });
    expect(
      (
        await call("PATCH", `/api/models/${foreign.modelId}`, {
          auth: other.key,
          json: { visibility: "public", datasetId },
        })
      ).status,
    ).toBe(200);

    const ids = async (auth?: string) =>
      (await body(await call("GET", `/api/datasets/${datasetId}/models`, { auth }))).models
        .map((m: { model: string }) => m.model)
        .sort();
    expect(await ids(t.key)).toEqual(["foreign", "hidden", "shown"]);
    expect(await ids(other.key)).toEqual(["foreign", "shown"]);
    expect(await ids()).toEqual(["foreign", "shown"]);

    await call("PATCH", `/api/datasets/${datasetId}`, { auth: t.key, json: { visibility: "private" } });
    const refused = await call("GET", `/api/datasets/${datasetId}/models`, { auth: other.key });
    expect(refused.status).toBe(404);
    expect(await body(refused)).toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a model's dataset that is malformed, unknown or private to its editor, and keeps the old one", async () => {
    const t = await newTenant();
    const other = await newTenant();
    const datasetId = await newDataset(t, { dataset: "mine", name: "Mine" });
    const foreignPrivate = await newDataset(other, { dataset: "theirs", name: "Theirs" });
    const { modelId } = await newModel(t, "picky");
    await call("PATCH", `/api/models/${modelId}`, { auth: t.key, json: { datasetId } });

    const malformed = await call("PATCH", `/api/models/${modelId}`, { auth: t.key, json: { datasetId: "coco8" } });
    expect(malformed.status).toBe(400);
    for (const id of [`dst_${"z".repeat(20)}`, foreignPrivate]) {
      const response = await call("PATCH", `/api/models/${modelId}`, {
        auth: t.key,
        json: { datasetId: id, name: "Renamed" },
      });
      expect(response.status).toBe(404);
      expect(await body(response)).toMatchObject({ error: "Dataset not found", code: "NOT_FOUND" });
    }
    const model = (await body(await call("GET", `/api/models/${modelId}`, { auth: t.key }))).model;
    expect(model).toMatchObject({ datasetId, name: "picky" });
  });

  it("links a model to the dataset its training arguments name (ul://owner/datasets/slug) when its workspace can read it", async () => {
    const t = await newTenant();
    const other = await newTenant();
    const own = await newDataset(t, { dataset: "linked", name: "Linked" });
    const foreignPublic = await newDataset(other, { dataset: "open-data", name: "Open", visibility: "public" });
    await newDataset(other, { dataset: "closed-data", name: "Closed" });
    const { id: projectId } = await body(
      await call("POST", "/api/projects", { auth: t.key, json: { project: "by-args" } }),
    );
    const create = async (model: string, data: string) =>
      (
        await body(
          await call("POST", "/api/models", {
            auth: t.key,
            json: { projectId, model, trainArgs: { data, epochs: 3 } },
          }),
        )
      ).id as string;
    const datasetOf = async (id: string) =>
      (await body(await call("GET", `/api/models/${id}`, { auth: t.key }))).model.datasetId;

    expect(await datasetOf(await create("on-own", `ul://${t.username}/datasets/linked`))).toBe(own);
    expect(await datasetOf(await create("on-public", `ul://${other.username}/datasets/open-data`))).toBe(foreignPublic);
    expect(await datasetOf(await create("on-closed", `ul://${other.username}/datasets/closed-data`))).toBeUndefined();
    expect(await datasetOf(await create("on-yaml", "coco8.yaml"))).toBeUndefined();
    expect(
      (await body(await call("GET", `/api/datasets/${own}/models`, { auth: t.key }))).models.map(
        (m: { model: string }) => m.model,
      ),
    ).toEqual(["on-own"]);

    // New training arguments link an existing model; an inspected checkpoint's do too.
    const { modelId: patched } = await newModel(t, "patched");
    await call("PATCH", `/api/models/${patched}`, {
      auth: t.key,
      json: { trainArgs: { data: `ul://${t.username}/datasets/linked` } },
    });
    expect(await datasetOf(patched)).toBe(own);

    const { modelId: inspected } = await newModel(t, "inspected");
    await uploadWeights(t.key, inspected, new Uint8Array(16));
    const [job] = await withDb((db) =>
      db
        .select()
        .from(jobs)
        .where(and(eq(jobs.modelId, inspected), eq(jobs.kind, "inspect"))),
    );
    const { claim: c } = await claim(job!.id, (await heartbeat()).runnerId);
    await report(c!, { type: "started" });
    const done = await report(c!, {
      type: "completed",
      outputs: [],
      result: { task: "detect", trainArgs: { data: `ul://${t.username}/datasets/linked`, epochs: 2 } },
    });
    expect(done.status).toBe(200);
    expect(await datasetOf(inspected)).toBe(own);
  });
});
