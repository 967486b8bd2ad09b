import { describe, expect, it } from "vitest";
import { BASE, body, call, newTenant, type Tenant } from "../../helpers";
import { ingestPictures, uniqueBytes } from "../../ingest-protocol";

const box = (classId: number, x = 0.5) => ({ classId, bbox: [x, 0.5, 0.2, 0.2] });
const local = (url: string) => url.replace(BASE, "");

async function newDataset(t: Tenant, json: Record<string, unknown> = {}) {
  const created = await body(
    await call("POST", "/api/datasets", {
      auth: t.key,
      json: { name: `Versioned ${crypto.randomUUID().slice(0, 8)}`, classNames: ["a", "b"], ...json },
    }),
  );
  if (!created.id) throw new Error(`dataset: ${JSON.stringify(created)}`);
  return created as { id: string; dataset: string };
}

async function ndjson(url: string) {
  const response = await call("GET", local(url));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/x-ndjson");
  const [header, ...images] = (await response.text())
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  return { header, images: images as Record<string, any>[] };
}

describe("dataset versions and the NDJSON export", () => {
  it("snapshots a version whose NDJSON is what ultralytics reads, with working picture URLs", async () => {
    const t = await newTenant("ver");
    const { id } = await newDataset(t);
    const bytes = uniqueBytes(120);
    await ingestPictures(t.key, id, [
      { name: "one.jpg", bytes, labels: [box(0), box(1, 0.3)] },
      { name: "two.png", split: "val", labels: [] },
    ]);
    const made = await call("POST", `/api/datasets/${id}/export`, { auth: t.key, json: { description: "first" } });
    expect(made.status).toBe(200);
    const v1 = await body(made);
    expect(v1).toMatchObject({
      version: 1,
      reused: false,
      downloadUrl: expect.stringContaining("/api/dataset-exports/"),
    });
    // The trainer takes a URL ending in .ndjson for an NDJSON dataset: the token is in the path.
    expect(v1.downloadUrl).toMatch(/\/api\/dataset-exports\/[\w.-]+\/[\w-]+-v1\.ndjson$/);
    const { header, images } = await ndjson(v1.downloadUrl);
    expect(header).toEqual({ type: "dataset", task: "detect", class_names: { "0": "a", "1": "b" } });
    // The earlier form, the token in the query, still serves; a bad token in the path does not.
    const [, token, name] = /\/api\/dataset-exports\/([^/]+)\/([^/]+)$/.exec(v1.downloadUrl)!;
    expect((await call("GET", `/api/dataset-exports/${name}?token=${token}`)).status).toBe(200);
    expect((await call("GET", `/api/dataset-exports/x${token}/${name}`)).status).toBe(401);
    const one = images.find((image) => image.file === "one.jpg")!;
    expect(one).toMatchObject({
      type: "image",
      split: "train",
      width: 640,
      height: 480,
      annotations: {
        boxes: [
          [0, 0.5, 0.5, 0.2, 0.2],
          [1, 0.3, 0.5, 0.2, 0.2],
        ],
      },
    });
    expect(images.find((image) => image.file === "two.png")).toMatchObject({
      split: "val",
      annotations: { boxes: [] },
    });
    const picture = await call("GET", local(one.url));
    expect(picture.status).toBe(200);
    expect(new Uint8Array(await picture.arrayBuffer())).toEqual(bytes);
    // The URL's token serves this version's pictures only.
    const other = await newDataset(t);
    const elsewhere = [...(await ingestPictures(t.key, other.id, [{ name: "x.jpg" }])).values()][0]!;
    const forged = local(one.url).replace(/[0-9a-f]{64}\.jpg/, `${elsewhere.hash}.jpg`);
    expect((await call("GET", forged)).status).toBe(404);
    expect((await call("GET", local(one.url).replace(/token=.*/, "token=bad"))).status).toBe(401);
  });

  it("keeps a version as it was: later edits and deletes change nothing in it, and restore brings it back", async () => {
    const t = await newTenant("ver");
    const { id } = await newDataset(t);
    const images = await ingestPictures(t.key, id, [
      { name: "keep.jpg", labels: [box(0)] },
      { name: "doomed.jpg", labels: [box(1)] },
    ]);
    expect(await body(await call("POST", `/api/datasets/${id}/export`, { auth: t.key }))).toMatchObject({ version: 1 });
    const again = await body(await call("POST", `/api/datasets/${id}/export`, { auth: t.key }));
    expect(again).toMatchObject({ version: 1, reused: true });

    const keep = images.get("keep.jpg")!;
    const doomed = images.get("doomed.jpg")!;
    await call("PATCH", `/api/images/${keep.id}`, { auth: t.key, json: { labels: [box(1), box(1)] } });
    expect((await call("DELETE", `/api/images/${doomed.id}`, { auth: t.key })).status).toBe(200);
    const v2 = await body(await call("POST", `/api/datasets/${id}/export`, { auth: t.key }));
    expect(v2).toMatchObject({ version: 2, reused: false });

    const first = await ndjson(
      (await body(await call("GET", `/api/datasets/${id}/export?v=1`, { auth: t.key }))).downloadUrl,
    );
    expect(first.images.map((image) => image.file).sort()).toEqual(["doomed.jpg", "keep.jpg"]);
    expect(first.images.find((image) => image.file === "keep.jpg")!.annotations.boxes).toEqual([
      [0, 0.5, 0.5, 0.2, 0.2],
    ]);
    // The deleted picture stays stored while version 1 holds it.
    const gone = first.images.find((image) => image.file === "doomed.jpg")!;
    expect((await call("GET", local(gone.url))).status).toBe(200);
    const kept = await body(await call("GET", `/api/images/${keep.id}`, { auth: t.key }));
    expect(kept.properties.retainedByVersion).toBe(true);
    const second = await ndjson(v2.downloadUrl);
    expect(second.images.map((image) => image.file)).toEqual(["keep.jpg"]);

    expect(
      (
        await call("PATCH", `/api/datasets/${id}/export`, {
          auth: t.key,
          json: { version: 1, description: "baseline" },
        })
      ).status,
    ).toBe(200);
    const unknown = await call("PATCH", `/api/datasets/${id}/export`, {
      auth: t.key,
      json: { version: 9, description: "x" },
    });
    expect(unknown.status).toBe(404);
    expect((await call("GET", `/api/datasets/${id}/export?v=9`, { auth: t.key })).status).toBe(404);

    const restored = await call("POST", `/api/datasets/${id}/restore`, { auth: t.key, json: { version: 1 } });
    expect(await body(restored)).toEqual({ version: 1, imageCount: 2 });
    const back = await body(await call("GET", `/api/images/${doomed.id}`, { auth: t.key }));
    expect(back.labels).toEqual([box(1)]);
    expect((await body(await call("GET", `/api/images/${keep.id}`, { auth: t.key }))).labels).toEqual([box(0)]);
    const dataset = (await body(await call("GET", `/api/datasets/${id}`, { auth: t.key }))).dataset;
    expect(dataset).toMatchObject({ imageCount: 2, splits: { train: 2, labeled: 2 } });
  });

  it("exports the dataset as it is now, rebuilt only when it changed", async () => {
    const t = await newTenant("ver");
    const { id, dataset } = await newDataset(t, { visibility: "public" });
    await ingestPictures(t.key, id, [{ name: "a.jpg", labels: [box(0)] }]);
    const first = await body(await call("GET", `/api/datasets/${t.username}/${dataset}/export`, { auth: t.key }));
    expect(first).toMatchObject({ cached: false });
    const second = await body(await call("GET", `/api/datasets/${id}/export`));
    expect(second).toMatchObject({ cached: true });
    expect((await ndjson(second.downloadUrl)).images).toHaveLength(1);
    await ingestPictures(t.key, id, [{ name: "b.jpg" }]);
    const third = await body(await call("GET", `/api/datasets/${id}/export`, { auth: t.key }));
    expect(third.cached).toBe(false);
    expect((await ndjson(third.downloadUrl)).images).toHaveLength(2);
    // Others may read a public dataset's export, not make its versions.
    const outsider = await newTenant("out");
    expect((await call("POST", `/api/datasets/${id}/export`, { auth: outsider.key })).status).toBe(403);
  });

  it("writes each task's annotations the way convert_ndjson_to_yolo reads them", async () => {
    const t = await newTenant("ver");
    const seg = await newDataset(t, { task: "segment" });
    await ingestPictures(t.key, seg.id, [
      { name: "s.jpg", labels: [{ classId: 1, segments: [0.1, 0.1, 0.5, 0.1, 0.3, 0.4] }] },
    ]);
    const cls = await newDataset(t, { task: "classify" });
    await ingestPictures(t.key, cls.id, [{ name: "c.jpg", labels: [{ classId: 1 }] }]);
    const segExport = await ndjson(
      (await body(await call("GET", `/api/datasets/${seg.id}/export`, { auth: t.key }))).downloadUrl,
    );
    expect(segExport.header.task).toBe("segment");
    expect(segExport.images[0]!.annotations).toEqual({ segments: [[1, 0.1, 0.1, 0.5, 0.1, 0.3, 0.4]] });
    const clsExport = await ndjson(
      (await body(await call("GET", `/api/datasets/${cls.id}/export`, { auth: t.key }))).downloadUrl,
    );
    expect(clsExport.images[0]!.annotations).toEqual({ classification: [1] });
  });
});
