import { beforeAll, describe, expect, it } from "vitest";
import { body, call, newTenant, type Tenant } from "../../helpers";
import { ingestPictures, uniqueBytes, type Picture } from "../../ingest-protocol";

const box = (classId: number) => ({ classId, bbox: [0.5, 0.5, 0.2, 0.2] });

/** A dataset of known contents: names, sizes, splits, labels and errors chosen to tell every sort and filter apart. */
const PICTURES: Picture[] = [
  { name: "apple.jpg", split: "train", width: 100, height: 900, bytes: uniqueBytes(50), labels: [box(0)] },
  { name: "banana.jpg", split: "train", width: 200, height: 800, bytes: uniqueBytes(90), labels: [box(1), box(1)] },
  { name: "cherry.png", split: "val", width: 300, height: 700, bytes: uniqueBytes(70), labels: [] },
  { name: "date.png", split: "val", width: 400, height: 600, bytes: uniqueBytes(60), labels: [box(2), box(0), box(2)] },
  { name: "elder.jpg", split: "test", width: 500, height: 500, bytes: uniqueBytes(80), error: "corrupt image" },
  { name: "fig.jpg", split: "test", width: 600, height: 400, bytes: uniqueBytes(40), labels: [box(1)] },
];

let t: Tenant;
let outsider: Tenant;
let datasetId: string;
let slug: string;
let byName: Map<string, Record<string, any>>;

const list = async (query: string, auth: string | undefined = t.key) => {
  const response = await call("GET", `/api/datasets/${datasetId}/images?${query}`, { auth });
  expect(response.status, await response.clone().text()).toBe(200);
  return body(response);
};
const names = (answer: Record<string, any>) => answer.images.map((image: { name: string }) => image.name);

beforeAll(async () => {
  t = await newTenant("img");
  outsider = await newTenant("out");
  const created = await body(
    await call("POST", "/api/datasets", {
      auth: t.key,
      json: { name: "Fruit", classNames: ["red", "yellow", "green"] },
    }),
  );
  datasetId = created.id;
  slug = created.dataset;
  byName = await ingestPictures(t.key, datasetId, PICTURES);
});

describe("dataset images", () => {
  it("lists with the contract's fields, totals and error count, by id and by owner/slug", async () => {
    const all = await list("sort=name-asc");
    expect(names(all)).toEqual(["apple.jpg", "banana.jpg", "cherry.png", "date.png", "elder.jpg", "fig.jpg"]);
    expect(all).toMatchObject({ total: 6, hasMore: false, classes: ["red", "yellow", "green"], errorCount: 1 });
    expect(all.images[0]).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      ext: "jpg",
      width: 100,
      height: 900,
      split: "train",
      labelCount: 1,
      name: "apple.jpg",
      bytes: 50,
      thumbnailUrl: expect.stringContaining("/api/files/apple.webp?token="),
    });
    expect(all.images[0].imageUrl).toBeUndefined();
    const contract = await call("GET", `/api/datasets/${t.username}/${slug}/images?sort=name-asc&limit=2`, {
      auth: t.key,
    });
    expect(names(await body(contract))).toEqual(["apple.jpg", "banana.jpg"]);
    const noTotal = await list("includeTotal=false&limit=1");
    expect(noTotal.total).toBeUndefined();
    expect(noTotal.errorCount).toBe(1);
  });

  it("filters by split, label and error state, classes, and name or hash", async () => {
    expect(names(await list("split=val&sort=name-asc"))).toEqual(["cherry.png", "date.png"]);
    expect(names(await list("hasLabel=false&sort=name-asc"))).toEqual(["cherry.png", "elder.jpg"]);
    expect(names(await list("hasLabel=true&sort=name-asc"))).toEqual([
      "apple.jpg",
      "banana.jpg",
      "date.png",
      "fig.jpg",
    ]);
    expect(names(await list("hasError=true"))).toEqual(["elder.jpg"]);
    expect((await list("hasError=false")).total).toBe(5);
    expect(names(await list("classIds=2&sort=name-asc"))).toEqual(["date.png"]);
    expect(names(await list("classIds=1,2&sort=name-asc"))).toEqual(["banana.jpg", "date.png", "fig.jpg"]);
    expect(await list("classIds=")).toMatchObject({ images: [], total: 0 });
    expect(names(await list("search=LDER"))).toEqual(["elder.jpg"]);
    expect(names(await list(`search=${byName.get("fig.jpg")!.hash.slice(0, 10)}`))).toEqual(["fig.jpg"]);
    expect(names(await list("search=%25"))).toEqual([]);
    expect(names(await list("split=train&hasLabel=true&classIds=1"))).toEqual(["banana.jpg"]);
  });

  it("sorts by every key of the docs", async () => {
    const expected: Record<string, string[]> = {
      "name-desc": ["fig.jpg", "elder.jpg", "date.png", "cherry.png", "banana.jpg", "apple.jpg"],
      "width-asc": ["apple.jpg", "banana.jpg", "cherry.png", "date.png", "elder.jpg", "fig.jpg"],
      "width-desc": ["fig.jpg", "elder.jpg", "date.png", "cherry.png", "banana.jpg", "apple.jpg"],
      "height-asc": ["fig.jpg", "elder.jpg", "date.png", "cherry.png", "banana.jpg", "apple.jpg"],
      "height-desc": ["apple.jpg", "banana.jpg", "cherry.png", "date.png", "elder.jpg", "fig.jpg"],
      "size-asc": ["fig.jpg", "apple.jpg", "date.png", "cherry.png", "elder.jpg", "banana.jpg"],
      "size-desc": ["banana.jpg", "elder.jpg", "cherry.png", "date.png", "apple.jpg", "fig.jpg"],
    };
    for (const [sort, order] of Object.entries(expected))
      expect(names(await list(`sort=${sort}`)), sort).toEqual(order);
    const byLabels = (await list("sort=labels-desc")).images.map((i: { labelCount: number }) => i.labelCount);
    expect(byLabels).toEqual([3, 2, 1, 1, 0, 0]);
    const ascending = (await list("sort=labels-asc")).images.map((i: { labelCount: number }) => i.labelCount);
    expect(ascending).toEqual([0, 0, 1, 1, 2, 3]);
    // One ingest batch shares a timestamp: newest and oldest are then ordered by id, each the other's reverse.
    expect(names(await list("sort=oldest"))).toEqual(names(await list("sort=newest")).reverse());
  });

  it("pages by offset and by cursor without skipping or repeating, in every sort", async () => {
    for (const sort of ["newest", "name-asc", "size-desc", "labels-asc"]) {
      const whole = names(await list(`sort=${sort}`));
      const byOffset = [
        ...names(await list(`sort=${sort}&limit=4`)),
        ...names(await list(`sort=${sort}&limit=4&offset=4`)),
      ];
      expect(byOffset, sort).toEqual(whole);
      const seen: string[] = [];
      let page = await list(`sort=${sort}&limit=2`);
      seen.push(...names(page));
      while (page.hasMore) {
        page = await list(`sort=${sort}&limit=2&cursor=${page.nextCursor}`);
        seen.push(...names(page));
      }
      expect(seen, sort).toEqual(whole);
    }
    const unknown = await call("GET", `/api/datasets/${datasetId}/images?cursor=${"0".repeat(24)}`, { auth: t.key });
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).error).toMatch(/cursor/);
  });

  it("answers an offset page past the middle, read from the far end, as the same slice of the whole", async () => {
    const own = await newTenant("off");
    const created = await body(
      await call("POST", "/api/datasets", { auth: own.key, json: { name: "Far", classNames: ["r", "y", "g"] } }),
    );
    await ingestPictures(own.key, created.id, PICTURES);
    const read = async (query: string) =>
      body(await call("GET", `/api/datasets/${created.id}/images?includeThumbnails=false&${query}`, { auth: own.key }));
    // Unfiltered and one split have their totals in the counters, a lone class in dataset_class_counts.
    for (const [filter, sort] of [
      ["", "newest"],
      ["", "name-asc"],
      ["", "labels-asc"],
      ["&split=train", "size-desc"],
      ["&classIds=1", "name-desc"],
    ]) {
      const whole = names(await read(`sort=${sort}${filter}`));
      for (const offset of [2, 3, 4, 5, 6]) {
        const page = await read(`sort=${sort}${filter}&limit=2&offset=${offset}`);
        expect(names(page), `${sort}${filter} offset ${offset}`).toEqual(whole.slice(offset, offset + 2));
        expect(page.hasMore, `${sort}${filter} offset ${offset}`).toBe(offset + 2 < whole.length);
      }
    }
  });

  it("answers preview labels and signed URLs whose bytes are the picture's", async () => {
    const answer = await list("includeLabels=true&includeImageUrls=true&search=date");
    const [date] = answer.images;
    expect(date.labels).toEqual([box(2), box(0), box(2)]);
    const picture = await call("GET", date.imageUrl.replace("http://edgehub.test", ""));
    expect(picture.status).toBe(200);
    expect(new Uint8Array(await picture.arrayBuffer())).toEqual(PICTURES[3]!.bytes);
    const urls = await body(
      await call("POST", `/api/datasets/${datasetId}/images/urls`, { auth: t.key, json: { hashes: [date.hash] } }),
    );
    expect(Object.keys(urls.urls)).toEqual([date.hash]);
    expect(Object.keys(urls.thumbnails)).toEqual([date.hash]);
  });

  it("selects images by id, in the order asked, under the list's filters", async () => {
    const ids = ["fig.jpg", "apple.jpg", "cherry.png"].map((name) => byName.get(name)!.id);
    const response = await call("POST", `/api/datasets/${t.username}/${slug}/images?hasLabel=true`, {
      auth: t.key,
      json: { imageIds: [...ids, "f".repeat(24)] },
    });
    const answer = await body(response);
    expect(answer).toMatchObject({ total: 2, hasMore: false, errorCount: 1 });
    expect(names(answer)).toEqual(["fig.jpg", "apple.jpg"]);
  });

  it("gets one image with its labels and class names (the contract's Image)", async () => {
    const date = byName.get("date.png")!;
    const answer = await body(await call("GET", `/api/images/${date.id}`, { auth: t.key }));
    expect(answer).toMatchObject({
      metadata: {},
      properties: {
        id: date.id,
        datasetId,
        filename: "date.png",
        hash: date.hash,
        extension: "png",
        originalPath: "images/val/date.png",
        width: 400,
        height: 600,
        split: "val",
        annotationCount: 3,
        classIds: [0, 2],
        bytes: 60,
        region: "us",
        retainedByVersion: false,
        error: null,
      },
      labels: [box(2), box(0), box(2)],
      classNames: ["red", "yellow", "green"],
    });
  });

  it("hides a private dataset's images from outsiders (404) and shows a public one's to anyone", async () => {
    const id = byName.get("apple.jpg")!.id;
    expect((await call("GET", `/api/images/${id}`, { auth: outsider.key })).status).toBe(404);
    expect((await call("GET", `/api/datasets/${datasetId}/images`, { auth: outsider.key })).status).toBe(404);
    expect((await call("GET", `/api/datasets/${datasetId}/images`)).status).toBe(404);
    expect((await call("PATCH", `/api/images/${id}`, { auth: outsider.key, json: { labels: [] } })).status).toBe(404);
    expect((await call("DELETE", `/api/images/${id}`, { auth: outsider.key })).status).toBe(404);
    const urls = await call("POST", "/api/images/urls", { auth: outsider.key, json: { imageIds: [id] } });
    expect(urls.status).toBe(404);
    const hash = byName.get("apple.jpg")!.hash;
    expect((await call("GET", `/api/datasets/${datasetId}/images/${hash}/labels`, { auth: outsider.key })).status).toBe(
      404,
    );

    const pub = await newTenant("pub");
    const shown = await body(
      await call("POST", "/api/datasets", {
        auth: pub.key,
        json: { name: "Open", visibility: "public", classNames: ["a"] },
      }),
    );
    await ingestPictures(pub.key, shown.id, [{ name: "open.jpg" }]);
    const anonymous = await call("GET", `/api/datasets/${shown.id}/images`);
    expect(names(await body(anonymous))).toEqual(["open.jpg"]);
    const [image] = (await body(await call("GET", `/api/datasets/${shown.id}/images`))).images;
    // Reading is open; changing is not.
    expect((await call("DELETE", `/api/images/${image.id}`, { auth: outsider.key })).status).toBe(403);
  });
});

describe("editing images", () => {
  async function fresh(pictures: Picture[]) {
    const owner = await newTenant("edit");
    const created = await body(
      await call("POST", "/api/datasets", { auth: owner.key, json: { name: "Edit", classNames: ["a", "b"] } }),
    );
    return { owner, id: created.id as string, images: await ingestPictures(owner.key, created.id, pictures) };
  }

  it("replaces labels after checking them, and a bad one changes nothing", async () => {
    const { owner, id, images } = await fresh([{ name: "one.jpg", labels: [box(0)] }]);
    const image = images.get("one.jpg")!;
    const bad = await call("PATCH", `/api/images/${image.id}`, {
      auth: owner.key,
      json: { labels: [box(1), { classId: 0, bbox: [0.5, 1.5, 0.1, 0.1] }] },
    });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error).toBe(
      `Invalid labels for image ${image.id}: labels[1].bbox[1]: 1.5 is outside [0, 1]`,
    );
    const unknownClass = await call("PUT", `/api/datasets/${id}/images/${image.hash}/labels`, {
      auth: owner.key,
      json: { labels: [box(5)] },
    });
    expect(unknownClass.status).toBe(400);
    expect((await body(await call("GET", `/api/images/${image.id}`, { auth: owner.key }))).labels).toEqual([box(0)]);

    const good = await call("PATCH", `/api/images/${image.id}`, {
      auth: owner.key,
      json: { labels: [box(1), box(0)] },
    });
    expect(await body(good)).toEqual({ success: true, labels: [box(1), box(0)], labelCount: 2 });
    const viaHash = await call("PUT", `/api/datasets/${id}/images/${image.hash}/labels`, {
      auth: owner.key,
      json: { labels: [] },
    });
    expect(await body(viaHash)).toEqual({ success: true, labels: [], labelCount: 0 });
    const labels = await body(
      await call("GET", `/api/datasets/${id}/images/${image.hash}/labels`, { auth: owner.key }),
    );
    expect(labels).toEqual({ labels: [], classNames: ["a", "b"] });
    const dataset = (await body(await call("GET", `/api/datasets/${id}`, { auth: owner.key }))).dataset;
    expect(dataset.splits.labeled).toBe(0);
  });

  it("replaces metadata and moves one image between splits", async () => {
    const { owner, images } = await fresh([{ name: "one.jpg" }, { name: "one.jpg", split: "val" }]);
    const train = images.get("train/one.jpg")!;
    const meta = await call("PATCH", `/api/images/${train.id}`, {
      auth: owner.key,
      json: { metadata: { camera: "A7" } },
    });
    expect(await body(meta)).toMatchObject({ metadata: { camera: "A7" }, updatedAt: expect.any(String) });
    const clash = await call("PATCH", `/api/images/${train.id}`, { auth: owner.key, json: { split: "val" } });
    expect(clash.status).toBe(409);
    const moved = await call("PATCH", `/api/images/${train.id}`, { auth: owner.key, json: { split: "test" } });
    expect(moved.status).toBe(200);
    expect((await body(await call("GET", `/api/images/${train.id}`, { auth: owner.key }))).properties.split).toBe(
      "test",
    );
    const both = await call("PATCH", `/api/images/${train.id}`, {
      auth: owner.key,
      json: { split: "val", labels: [] },
    });
    expect(both.status).toBe(400);
  });

  it("moves and deletes in bulk, with the conflict policies", async () => {
    const { owner, id, images } = await fresh([
      { name: "a.jpg" },
      { name: "b.jpg" },
      { name: "c.jpg" },
      { name: "a.jpg", split: "val" },
    ]);
    const train = (name: string) => images.get(`train/${name}`)!.id;
    const skip = await body(
      await call("PATCH", "/api/images/bulk", {
        auth: owner.key,
        json: { imageIds: [train("a.jpg"), train("b.jpg")], split: "val" },
      }),
    );
    expect(skip).toEqual({ success: true, modifiedCount: 1, skippedCount: 1, targetSplit: "val" });
    const keep = await body(
      await call("PATCH", `/api/datasets/${id}/images/bulk`, {
        auth: owner.key,
        json: { imageIds: [train("a.jpg")], split: "val", conflictPolicy: "keep_both" },
      }),
    );
    expect(keep).toMatchObject({ modifiedCount: 1, skippedCount: 0 });
    const val = await body(
      await call("GET", `/api/datasets/${id}/images?split=val&sort=name-asc`, { auth: owner.key }),
    );
    expect(names(val)).toEqual(["a (2).jpg", "a.jpg", "b.jpg"]);

    const gone = await body(
      await call("DELETE", "/api/images/bulk", {
        auth: owner.key,
        json: { imageIds: [train("c.jpg"), "a".repeat(24)] },
      }),
    );
    expect(gone).toEqual({ success: true, deletedCount: 1, deletedImageIds: [train("c.jpg")] });
    const dataset = (await body(await call("GET", `/api/datasets/${id}`, { auth: owner.key }))).dataset;
    expect(dataset).toMatchObject({ imageCount: 3, splits: { train: 0, val: 3, test: 0 } });
    const byHash = await call("DELETE", `/api/datasets/${id}/images/${val.images[0].hash}`, { auth: owner.key });
    expect(await body(byHash)).toMatchObject({ success: true, deletedCount: 1 });
  });

  it("refuses a bulk operation across datasets", async () => {
    const first = await fresh([{ name: "x.jpg" }]);
    const other = await body(
      await call("POST", "/api/datasets", { auth: first.owner.key, json: { name: "Other", classNames: ["a"] } }),
    );
    const more = await ingestPictures(first.owner.key, other.id, [{ name: "y.jpg" }]);
    const mixed = await call("DELETE", "/api/images/bulk", {
      auth: first.owner.key,
      json: { imageIds: [first.images.get("x.jpg")!.id, more.get("y.jpg")!.id] },
    });
    expect(mixed.status).toBe(400);
    expect((await body(mixed)).error).toMatch(/one dataset/);
  });
});
