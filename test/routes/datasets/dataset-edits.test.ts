import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { datasetClassCounts, storageObjects } from "../../../src/db/schema";
import { body, call, newTenant, withDb, type Tenant } from "../../helpers";
import { ingestPictures } from "../../ingest-protocol";

const box = (classId: number) => ({ classId, bbox: [0.5, 0.5, 0.2, 0.2] });

async function newDataset(t: Tenant, json: Record<string, unknown> = {}) {
  const created = await body(
    await call("POST", "/api/datasets", {
      auth: t.key,
      json: { name: `Edit ${crypto.randomUUID().slice(0, 8)}`, classNames: ["a", "b", "c", "d"], ...json },
    }),
  );
  return created as { id: string; dataset: string };
}

const labelsOf = async (t: Tenant, id: string) => {
  const listed = await body(
    await call("GET", `/api/datasets/${id}/images?includeLabels=true&sort=name-asc`, { auth: t.key }),
  );
  return Object.fromEntries(
    listed.images.map((image: { name: string; labels: unknown }) => [image.name, image.labels]),
  );
};

describe("dataset edits", () => {
  it("merges classes into one and deletes others, keeping ids dense (browser session only)", async () => {
    const t = await newTenant("cls");
    const { id } = await newDataset(t);
    await call("PATCH", `/api/datasets/${id}`, {
      auth: t.key,
      json: { classColors: { a: "#f00", b: "#0f0", d: "#00f" } },
    });
    await ingestPictures(t.key, id, [
      { name: "1.jpg", labels: [box(0), box(1), box(3)] },
      { name: "2.jpg", labels: [box(2)] },
    ]);
    const byKey = await call("POST", `/api/datasets/${id}/classes/merge`, {
      auth: t.key,
      json: { sourceClassIds: [1], targetClassId: 3 },
    });
    expect(byKey.status).toBe(403);
    const merged = await call("POST", `/api/datasets/${id}/classes/merge`, {
      auth: t.session,
      json: { sourceClassIds: [1, 2], targetClassId: 3 },
    });
    expect(await body(merged)).toEqual({
      success: true,
      classNames: ["a", "d"],
      classColors: { a: "#f00", d: "#00f" },
      mergedClassIds: [1, 2],
      targetClassId: 1,
    });
    expect(await labelsOf(t, id)).toEqual({ "1.jpg": [box(0), box(1), box(1)], "2.jpg": [box(1)] });

    const deleted = await call("POST", `/api/datasets/${id}/classes/delete`, {
      auth: t.session,
      json: { classIds: [0] },
    });
    expect(await body(deleted)).toEqual({
      success: true,
      classNames: ["d"],
      classColors: { d: "#00f" },
      deletedClassIds: [0],
      deletedAnnotations: 1,
    });
    expect(await labelsOf(t, id)).toEqual({ "1.jpg": [box(0), box(0)], "2.jpg": [box(0)] });
    const outside = await call("POST", `/api/datasets/${id}/classes/delete`, {
      auth: t.session,
      json: { classIds: [5] },
    });
    expect(outside.status).toBe(400);
  });

  it("keeps each class's image count through edits, so a lone class filter's total is one lookup", async () => {
    const t = await newTenant("ccn");
    const { id } = await newDataset(t);
    await ingestPictures(t.key, id, [
      { name: "1.jpg", labels: [box(0), box(1), box(1)] },
      { name: "2.jpg", labels: [box(1)] },
      { name: "3.jpg", labels: [box(2)], split: "val" as const },
      { name: "4.jpg" },
    ]);
    const listing = async () =>
      (await body(await call("GET", `/api/datasets/${id}/images?includeLabels=true&limit=100`, { auth: t.key })))
        .images as { id: string; hash: string; name: string; labels: { classId: number }[] }[];
    // Each class's total as the API answers it, beside the same count made from the listing.
    const totals = async () => {
      const images = await listing();
      const answered: number[] = [];
      const counted: number[] = [];
      for (const classId of [0, 1, 2, 3]) {
        const page = await body(await call("GET", `/api/datasets/${id}/images?classIds=${classId}`, { auth: t.key }));
        answered.push(page.total);
        counted.push(images.filter((image) => image.labels.some((label) => label.classId === classId)).length);
      }
      expect(answered).toEqual(counted);
      return answered;
    };
    expect(await totals()).toEqual([1, 2, 1, 0]);
    const two = (await listing()).find((image) => image.name === "2.jpg")!;
    await call("PUT", `/api/datasets/${id}/images/${two.hash}/labels`, { auth: t.key, json: { labels: [box(0)] } });
    expect(await totals()).toEqual([2, 1, 1, 0]);
    await call("POST", `/api/datasets/${id}/classes/delete`, { auth: t.session, json: { classIds: [0] } });
    expect(await totals()).toEqual([1, 1, 0, 0]);
    const one = (await listing()).find((image) => image.name === "1.jpg")!;
    expect((await call("DELETE", `/api/images/${one.id}`, { auth: t.key })).status).toBe(200);
    expect(await totals()).toEqual([0, 1, 0, 0]);
    // With another filter beside it the total is counted, and agrees.
    const val = await body(await call("GET", `/api/datasets/${id}/images?classIds=1&split=val`, { auth: t.key }));
    expect(val.total).toBe(1);
    // A purged dataset's counts go with it.
    expect((await call("DELETE", `/api/datasets/${id}`, { auth: t.key })).status).toBe(200);
    expect((await call("DELETE", "/api/trash", { auth: t.key, json: { id, type: "dataset" } })).status).toBe(200);
    const left = await withDb((db) => db.select().from(datasetClassCounts).where(eq(datasetClassCounts.datasetId, id)));
    expect(left).toEqual([]);
  });

  it("redistributes splits by percentage, keeping images of one name in different splits", async () => {
    const t = await newTenant("spl");
    const { id } = await newDataset(t);
    const pictures = Array.from({ length: 20 }, (_, i) => ({ name: `${i}.jpg` }));
    await ingestPictures(t.key, id, [
      ...pictures,
      { name: "0.jpg", split: "val" as const },
      { name: "0.jpg", split: "test" as const },
    ]);
    const bad = await call("POST", `/api/datasets/${id}/splits/redistribute`, {
      auth: t.session,
      json: { train: 50, val: 20, test: 20 },
    });
    expect(bad.status).toBe(400);
    const done = await body(
      await call("POST", `/api/datasets/${id}/splits/redistribute`, {
        auth: t.session,
        json: { train: 50, val: 25, test: 25 },
      }),
    );
    // 25% of 22 is 5.5: val and test get 6 each, exactly, whichever order the shuffle gave.
    expect(done.splits).toEqual({ train: 10, val: 6, test: 6 });
    const listed = await body(await call("GET", `/api/datasets/${id}/images?limit=100`, { auth: t.key }));
    const zeros = listed.images.filter((image: { name: string }) => image.name === "0.jpg");
    expect(new Set(zeros.map((image: { split: string }) => image.split)).size).toBe(3);
    const dataset = (await body(await call("GET", `/api/datasets/${id}`, { auth: t.key }))).dataset;
    expect(dataset.splits).toMatchObject(done.splits);
  });

  it("clones a public dataset into the caller's workspace, sharing the pictures and booking them there", async () => {
    const owner = await newTenant("src");
    const cloner = await newTenant("cln");
    const source = await newDataset(owner, { visibility: "public" });
    await ingestPictures(owner.key, source.id, [
      { name: "x.jpg", labels: [box(2)] },
      { name: "y.jpg", split: "val" },
    ]);
    const response = await call("POST", `/api/datasets/${owner.username}/${source.dataset}/clone`, {
      auth: cloner.session,
      json: { name: "My Copy" },
    });
    expect(response.status).toBe(201);
    const copy = await body(response);
    expect(copy).toMatchObject({
      owner: cloner.username,
      dataset: "my-copy",
      name: "My Copy",
      imageCount: 2,
      classCount: 4,
    });
    const listed = await body(
      await call("GET", `/api/datasets/${copy.id}/images?includeLabels=true&sort=name-asc`, { auth: cloner.key }),
    );
    const original = await body(
      await call("GET", `/api/datasets/${source.id}/images?sort=name-asc`, { auth: owner.key }),
    );
    expect(listed.images.map((i: { hash: string }) => i.hash)).toEqual(
      original.images.map((i: { hash: string }) => i.hash),
    );
    expect(listed.images[0].id).not.toBe(original.images[0].id);
    expect(listed.images[0].labels).toEqual([box(2)]);
    const holds = await withDb((db) => db.select().from(storageObjects).where(eq(storageObjects.resourceId, copy.id)));
    expect(holds).toHaveLength(2);
    expect(holds.every((hold) => hold.workspaceId === cloner.workspaceId)).toBe(true);
    const again = await call("POST", `/api/datasets/${owner.username}/${source.dataset}/clone`, {
      auth: cloner.session,
      json: { name: "My Copy" },
    });
    expect(again.status).toBe(409);
    const hidden = await newDataset(owner);
    expect((await call("POST", `/api/datasets/${hidden.id}/clone`, { auth: cloner.session, json: {} })).status).toBe(
      404,
    );
  });
});
