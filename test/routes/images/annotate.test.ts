import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { models } from "../../../src/db/schema";
import { body, call, newModel, newTenant, withDb, type Tenant } from "../../helpers";
import { ingestPictures, uniqueBytes } from "../../ingest-protocol";
import { serveOnePredict, uploadWeights } from "../../runner-protocol";

let t: Tenant;
let outsider: Tenant;

/** A model with an ONNX file whose task and classes are what the inspector would have read. */
async function onnxModel(task: string, classNames: string[]) {
  const { modelId } = await newModel(t);
  await uploadWeights(t.key, modelId, new Uint8Array([8, 1, 2, 3]), "best.onnx");
  const [row] = await withDb((db) =>
    db.update(models).set({ task, classNames }).where(eq(models.id, modelId)).returning(),
  );
  return { modelId, uri: `ul://${t.username}/p-${row!.slug}/${row!.slug}` };
}

let datasets = 0;

async function datasetWith(fields: Record<string, unknown>, width = 200, height = 100) {
  const created = await body(
    await call("POST", "/api/datasets", { auth: t.key, json: { name: `Pets ${++datasets}`, ...fields } }),
  );
  const bytes = uniqueBytes(80);
  const images = await ingestPictures(t.key, created.id, [{ name: "pet.jpg", bytes, width, height, labels: [] }]);
  return { datasetId: created.id as string, image: images.get("pet.jpg")! };
}

const annotate = (imageId: string, json: Record<string, unknown>, auth = t.key) =>
  call("POST", `/api/images/${imageId}/predict`, { auth, json });

const labelsOf = async (imageId: string) =>
  (await body(await call("GET", `/api/images/${imageId}`, { auth: t.key }))).labels;

beforeAll(async () => {
  outsider = await newTenant("ann-out");
});

// Uploads count against a key's 10 a minute: each case has its own user.
beforeEach(async () => {
  t = await newTenant("ann");
});

describe("auto-annotate", () => {
  it("stores a detect model's boxes as normalised labels, classes matched by name", async () => {
    const { modelId, uri } = await onnxModel("detect", ["person", "dog", "cat"]);
    const { datasetId, image } = await datasetWith({ classNames: ["cat", "dog"] });
    const results = [
      { class: 2, name: "cat", confidence: 0.9, box: { x1: 20, y1: 10, x2: 60, y2: 50 } },
      { class: 0, name: "person", confidence: 0.8, box: { x1: 0, y1: 0, x2: 10, y2: 10 } },
      { class: 1, name: "dog", confidence: 0.7, box: { x1: 150, y1: 50, x2: 250, y2: 90 } },
    ];
    const [response] = await Promise.all([
      annotate(image.id, { modelId: uri, confidence: 0.4 }),
      serveOnePredict(
        modelId,
        { result: { images: [{ shape: [100, 200], speed: { inference: 20 }, results }] } },
        (inputs) => {
          expect(inputs.spec).toMatchObject({ conf: 0.4, iou: 0.7 });
          expect(inputs.image.length).toBe(80);
        },
      ),
    ]);
    expect(response.status, await response.clone().text()).toBe(200);
    const answer = await body(response);
    // The person is not a class of the dataset; the dog's box is clipped to the picture.
    const expected = [
      { classId: 0, bbox: [0.2, 0.3, 0.2, 0.4] },
      { classId: 1, bbox: [0.875, 0.7, 0.25, 0.4] },
    ];
    expect(answer).toEqual({ success: true, predictions: expected, modelUsed: uri, inferenceTime: 0.02 });
    expect(await labelsOf(image.id)).toEqual(expected);
    const dataset = await body(await call("GET", `/api/datasets/${datasetId}`, { auth: t.key }));
    expect(dataset.dataset.splits).toMatchObject({ labeled: 1 });
  });

  it("takes the model's classes and keypoint shape into a dataset that has none (docs form, by hash)", async () => {
    const { modelId, uri } = await onnxModel("pose", ["person"]);
    const { datasetId, image } = await datasetWith({ task: "pose" }, 100, 100);
    const keypoints = { x: [10, 20, 30], y: [10, 20, 120], visible: [0.9, 0.2, 0.7] };
    const results = [{ class: 0, name: "person", confidence: 0.9, box: { x1: 0, y1: 0, x2: 50, y2: 100 }, keypoints }];
    const [response] = await Promise.all([
      call("POST", `/api/datasets/${datasetId}/predict`, {
        auth: t.key,
        json: { imageHash: image.hash, modelId: uri },
      }),
      serveOnePredict(modelId, { result: { images: [{ shape: [100, 100], results }] } }),
    ]);
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await body(response)).predictions).toEqual([
      { classId: 0, bbox: [0.25, 0.5, 0.5, 1], keypoints: [0.1, 0.1, 2, 0.2, 0.2, 0, 0.3, 1, 2] },
    ]);
    const dataset = await body(await call("GET", `/api/datasets/${datasetId}`, { auth: t.key }));
    expect(dataset.dataset).toMatchObject({ classNames: ["person"], kptShape: [3, 3] });
  });

  it("stores a segment model's masks as polygons", async () => {
    const { modelId, uri } = await onnxModel("segment", ["blob"]);
    const { image } = await datasetWith({ task: "segment", classNames: ["blob"] });
    const segments = { x: [0, 100, 100], y: [0, 0, 50] };
    const results = [{ class: 0, name: "blob", confidence: 0.9, box: { x1: 0, y1: 0, x2: 100, y2: 50 }, segments }];
    const [response] = await Promise.all([
      annotate(image.id, { modelId: uri }),
      serveOnePredict(modelId, { result: { images: [{ shape: [100, 200], results }] } }),
    ]);
    expect((await body(response)).predictions).toEqual([{ classId: 0, segments: [0, 0, 0.5, 0, 0.5, 0.5] }]);
  });

  it("refuses a model of another task, one sharing no class, and unknown or unreadable things", async () => {
    const { uri: detectUri } = await onnxModel("detect", ["car"]);
    const { image } = await datasetWith({ task: "segment", classNames: ["blob"] });
    const { image: detectImage } = await datasetWith({ classNames: ["cat"] });
    const cases: [string, Record<string, unknown>, number, RegExp][] = [
      [image.id, { modelId: detectUri }, 400, /detect model; this dataset is segment/],
      [detectImage.id, { modelId: detectUri }, 422, /none of this dataset's classes/],
      [detectImage.id, { modelId: `ul://${t.username}/nope/nope` }, 404, /not found/],
      [detectImage.id, { modelId: "yolo26n.pt" }, 400, /modelId/],
      [detectImage.id, { modelId: detectUri, confidence: 2 }, 400, /confidence/],
      ["0123456789abcdef01234567", { modelId: detectUri }, 404, /Image not found/],
    ];
    for (const [imageId, json, status, message] of cases) {
      const response = await annotate(imageId, json);
      expect(response.status, String(message)).toBe(status);
      expect((await body(response)).error).toMatch(message);
    }
    const outsiders = await annotate(detectImage.id, { modelId: detectUri }, outsider.key);
    expect(outsiders.status).toBe(404);
    expect(await labelsOf(detectImage.id)).toEqual([]);
  });

  it("names the task's default model when the docs form names none and it is not on this instance", async () => {
    const { datasetId, image } = await datasetWith({ classNames: ["cat"] });
    const response = await call("POST", `/api/datasets/${datasetId}/predict`, {
      auth: t.key,
      json: { imageHash: image.hash },
    });
    expect(response.status).toBe(404);
    expect((await body(response)).error).toMatch(/ul:\/\/ultralytics\/yolo26\/yolo26n not found.*AUTO_ANNOTATE_MODELS/);
  });
});
