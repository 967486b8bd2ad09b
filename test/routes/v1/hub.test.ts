/**
 * The HUB v1 API as hub-sdk 0.0.25 and the HUB-era ultralytics package call it (CLIENTS.md §1,
 * §2): `x-api-key`, the `{data}` envelope, Python's `True`/`False`, metrics as JSON strings, the
 * multipart checkpoint parts named `last.pt` and `best.pt`, and the same model read through /api.
 */
import { describe, expect, it } from "vitest";
import { BASE, body, call, newModel, newTenant, type Tenant } from "../../helpers";
import { ingestPictures } from "../../ingest-protocol";
import { serveOnePredict, uploadWeights } from "../../runner-protocol";

const hub = (t: Tenant, method: string, path: string, init: { json?: unknown; body?: BodyInit } = {}) =>
  call(method, path, {
    headers: { "x-api-key": t.key, "cf-connecting-ip": `198.51.100.${t.key.charCodeAt(5) % 250}` },
    ...init,
  });

async function createModel(t: Tenant, name: string, extra: Record<string, unknown> = {}) {
  const response = await hub(t, "POST", "/v1/models", {
    json: {
      meta: { name },
      config: { batchSize: 16, cache: "ram", device: "cpu", epochs: 3, imageSize: 320, patience: 50 },
      lineage: { architecture: { name: "yolo11n.yaml" }, parent: { name: "yolo11n.pt" } },
      ...extra,
    },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await body(response)).data as Record<string, any>;
}

describe("HUB v1", () => {
  it("checks keys as hub-sdk reads them: success true, or false", async () => {
    const t = await newTenant("hub-auth");
    const ok = await hub(t, "POST", "/v1/auth");
    expect(await body(ok)).toMatchObject({ success: true, data: { username: t.username } });
    const refused = await call("POST", "/v1/auth", { headers: { "x-api-key": `ul_${"0".repeat(40)}` } });
    expect(refused.status).toBe(401);
    expect(await body(refused)).toMatchObject({ success: false });
    const missing = await call("POST", "/v1/auth");
    expect(await body(missing)).toMatchObject({ success: false });
    // hub-sdk reads the reset as integer epoch seconds.
    expect(ok.headers.get("X-RateLimit-Reset")).toMatch(/^\d{10}$/);
  });

  it("creates a model from the HUB body: the document hub-sdk reads, and the same model in /api", async () => {
    const t = await newTenant("hub-create");
    const model = await createModel(t, "First");
    expect(model).toMatchObject({
      meta: { name: "First" },
      status: "new",
      has_last_weights: false,
      has_best_weights: false,
      is_pretrained: true,
      is_custom: false,
      cfg: "yolo11n.yaml",
      weights: "yolo11n.pt",
      resume: null,
      batch_size: 16,
      epochs: 3,
      imgsz: 320,
      patience: 50,
      device: "cpu",
      cache: "ram",
      train_args: { model: "yolo11n.pt", epochs: 3, imgsz: 320, batch: 16 },
    });
    const same = await body(await call("GET", `/api/models/${model.id}`, { auth: t.key }));
    expect(same.model).toMatchObject({ id: model.id, name: "First" });
    expect((await body(await hub(t, "GET", `/v1/models/${model.id}`))).data.id).toBe(model.id);
    await hub(t, "PATCH", `/v1/models/${model.id}`, { json: { meta: { name: "Renamed" }, config: { epochs: 5 } } });
    expect((await body(await hub(t, "GET", `/v1/models/${model.id}`))).data).toMatchObject({
      name: "Renamed",
      epochs: 5,
    });
    const outsider = await newTenant("hub-out");
    expect((await hub(outsider, "GET", `/v1/models/${model.id}`)).status).toBe(404);
    const bad = await hub(t, "POST", "/v1/models", { json: { config: { epochs: "many" } } });
    expect(bad.status).toBe(400);
    expect(await body(bad)).toMatchObject({ success: false, error: expect.stringMatching(/epochs/) });
  });

  it("pages 25 models by 10, forwards and back, with total and lastRecordId", async () => {
    const t = await newTenant("hub-page");
    const made: string[] = [];
    for (let i = 0; i < 25; i++) made.push((await createModel(t, `m${i}`)).id);
    const page = async (cursor?: string) =>
      (await body(await hub(t, "GET", `/v1/models?limit=10${cursor ? `&last_doc_id=${cursor}` : ""}`))).data;
    const first = await page();
    expect(first.total).toBe(25);
    expect(first.results.map((m: { id: string }) => m.id)).toEqual(made.slice(-10).reverse());
    const second = await page(first.lastRecordId);
    expect(second.results.map((m: { id: string }) => m.id)).toEqual(made.slice(5, 15).reverse());
    const third = await page(second.lastRecordId);
    expect(third.results).toHaveLength(5);
    expect(third.lastRecordId).toBeNull();
    // previous(): the earlier cursor again gives the same page.
    expect((await page(first.lastRecordId)).results).toEqual(second.results);
  });

  it("deletes softly to the trash, or for good with hard=True", async () => {
    const t = await newTenant("hub-delete");
    const soft = await createModel(t, "Soft");
    const hard = await createModel(t, "Hard");
    expect((await hub(t, "DELETE", `/v1/models/${soft.id}?hard=False`)).status).toBe(200);
    expect((await hub(t, "DELETE", `/v1/models/${hard.id}?hard=True`)).status).toBe(200);
    for (const id of [soft.id, hard.id]) expect((await hub(t, "GET", `/v1/models/${id}`)).status).toBe(404);
    const trash = JSON.stringify(await body(await call("GET", "/api/trash", { auth: t.key })));
    expect(trash).toContain(soft.id);
    expect(trash).not.toContain(hard.id);
    expect((await hub(t, "DELETE", `/v1/models/${hard.id}?hard=maybe`)).status).toBe(400);
  });

  it("takes a HUB training session: heartbeats, metrics, checkpoints, then a trained model", async () => {
    const t = await newTenant("hub-train");
    const model = await createModel(t, "Session");
    const beat = await body(
      await hub(t, "POST", `/v1/agent/heartbeat/models/${model.id}`, {
        json: { agent: "python-3.11-local", agentId: null },
      }),
    );
    expect(beat.data.agentId).toEqual(expect.any(String));
    const again = await body(
      await hub(t, "POST", `/v1/agent/heartbeat/models/${model.id}`, {
        json: { agent: "python-3.11-local", agentId: beat.data.agentId },
      }),
    );
    expect(again.data.agentId).toBe(beat.data.agentId);
    for (let epoch = 1; epoch <= 3; epoch++) {
      const metrics = {
        [String(epoch)]: JSON.stringify({ "train/box_loss": 1.5 - epoch / 10, "metrics/mAP50(B)": 0.2 * epoch }),
      };
      const sent = await hub(t, "POST", `/v1/models/${model.id}`, { json: { metrics, type: "metrics" } });
      expect(sent.status, await sent.clone().text()).toBe(200);
    }
    const series = (await body(await hub(t, "GET", `/v1/models/${model.id}/metrics`))).data;
    expect(series.map((row: { epoch: number }) => row.epoch)).toEqual([1, 2, 3]);
    expect((await body(await hub(t, "GET", `/v1/models/${model.id}`))).data.status).toBe("training");
    // The run opened by the first heartbeat knows the model's epochs (config.epochs 3) and arguments.
    const session = (await body(await call("GET", `/api/models/${model.id}/training`, { auth: t.key }))).job;
    expect(session.progress).toMatchObject({ currentEpoch: 3, totalEpochs: 3, percentage: 100 });
    expect(session.trainArgs).toMatchObject({ epochs: 3, imgsz: 320, batch: 16 });

    const checkpoint = (fields: Record<string, string>, part: string, bytes: Uint8Array) => {
      const form = new FormData();
      for (const [key, value] of Object.entries(fields)) form.append(key, value);
      form.append(part, new File([bytes], part));
      return hub(t, "POST", `/v1/models/${model.id}/upload`, { body: form });
    };
    const last = new Uint8Array([1, 2, 3, 4]);
    expect((await checkpoint({ epoch: "2", type: "epoch", isBest: "False" }, "last.pt", last)).status).toBe(200);
    const wrongPart = await checkpoint({ epoch: "2", type: "epoch", isBest: "False" }, "weights.pt", last);
    expect(wrongPart.status).toBe(400);
    const resumable = (await body(await hub(t, "GET", `/v1/models/${model.id}`))).data;
    expect(resumable).toMatchObject({ has_last_weights: true, has_best_weights: false });
    const resume = await call("GET", resumable.resume.replace(BASE, "")); // no header needed
    expect(new Uint8Array(await resume.arrayBuffer())).toEqual(last);

    const best = new Uint8Array([9, 8, 7]);
    expect((await checkpoint({ epoch: "3", type: "final", isBest: "True", map: "0.61" }, "best.pt", best)).status).toBe(
      200,
    );
    const trained = (await body(await hub(t, "GET", `/v1/models/${model.id}`))).data;
    expect(trained).toMatchObject({ status: "trained", has_best_weights: true });
    const weights = await call("GET", trained.weights.replace(BASE, ""));
    expect(new Uint8Array(await weights.arrayBuffer())).toEqual(best);
    const viaApi = (await body(await call("GET", `/api/models/${model.id}`, { auth: t.key }))).model;
    expect(viaApi.status).toBe("completed");
    const progress = await body(await call("GET", `/api/models/${model.id}/training`, { auth: t.key }));
    expect(progress.job).toMatchObject({ status: "completed", progress: { currentEpoch: 3 } });

    // hub.export_model, hub.get_export, hub.reset_model.
    const exported = await hub(t, "POST", `/v1/models/${model.id}/export`, { json: { format: "onnx" } });
    expect(exported.status, await exported.clone().text()).toBe(200);
    expect((await body(exported)).data).toMatchObject({ format: "onnx", status: "queued" });
    const status = await hub(t, "POST", "/get-export", { json: { apiKey: t.key, modelId: model.id, format: "onnx" } });
    expect(await body(status)).toMatchObject({ format: "onnx", status: "queued", url: null });
    const none = await hub(t, "POST", "/get-export", { json: { apiKey: t.key, modelId: model.id, format: "coreml" } });
    expect(none.status).toBe(404);
    expect(await body(none)).toMatchObject({ success: false });
    expect((await hub(t, "POST", "/model-reset", { json: { modelId: model.id } })).status).toBe(200);
    const reset = (await body(await hub(t, "GET", `/v1/models/${model.id}`))).data;
    expect(reset).toMatchObject({ status: "new", has_best_weights: false, has_last_weights: false, resume: null });
    expect((await body(await hub(t, "GET", `/v1/models/${model.id}/metrics`))).data).toEqual([]);
  });

  it("creates, renames and deletes projects and datasets as hub-sdk does (meta.name, hard=True/False)", async () => {
    const t = await newTenant("hub-edit");
    const outsider = await newTenant("hub-out");
    const project = (await body(await hub(t, "POST", "/v1/projects", { json: { meta: { name: "My project" } } }))).data;
    expect(project).toMatchObject({
      meta: { name: "My project" },
      slug: "my-project",
      owner: t.username,
      public: false,
    });
    const renamed = await hub(t, "PATCH", `/v1/projects/${project.id}`, { json: { meta: { name: "Renamed" } } });
    expect((await body(renamed)).data).toMatchObject({ meta: { name: "Renamed" }, slug: "renamed" });
    expect((await call("GET", `/api/projects/${t.username}/renamed`, { auth: t.key })).status).toBe(200);
    // Nameless, others' and unknown ones change nothing.
    expect((await hub(t, "POST", "/v1/projects", { json: { meta: { name: "--" } } })).status).toBe(400);
    expect((await hub(t, "POST", "/v1/projects", { json: {} })).status).toBe(400);
    const foreign = await hub(outsider, "PATCH", `/v1/projects/${project.id}`, { json: { meta: { name: "Mine" } } });
    expect(foreign.status).toBe(404);
    expect((await hub(outsider, "DELETE", `/v1/projects/${project.id}?hard=True`)).status).toBe(404);
    expect((await hub(t, "DELETE", `/v1/projects/${project.id}?hard=False`)).status).toBe(200);
    const trash = await body(await call("GET", "/api/trash", { auth: t.key }));
    expect(trash.items.map((item: { _id: string }) => item._id)).toContain(project.id);

    const dataset = (await body(await hub(t, "POST", "/v1/datasets", { json: { meta: { name: "Parts" } } }))).data;
    expect(dataset).toMatchObject({ meta: { name: "Parts" }, slug: "parts", url: null, imageCount: 0 });
    const described = await hub(t, "PATCH", `/v1/datasets/${dataset.id}`, { json: { meta: { description: "bolts" } } });
    expect((await body(described)).data.meta).toEqual({ name: "Parts", description: "bolts" });
    expect((await hub(t, "DELETE", `/v1/datasets/${dataset.id}?hard=True`)).status).toBe(200);
    expect((await hub(t, "GET", `/v1/datasets/${dataset.id}`)).status).toBe(404);
    const gone = await body(await call("GET", "/api/trash", { auth: t.key }));
    expect(gone.items.map((item: { _id: string }) => item._id)).not.toContain(dataset.id);
  });

  it("takes hub-sdk's dataset upload as an upload and an ingest job; refuses what it cannot ingest", async () => {
    const t = await newTenant("hub-up");
    const outsider = await newTenant("hub-up-out");
    const dataset = (await body(await hub(t, "POST", "/v1/datasets", { json: { meta: { name: "Uploaded" } } }))).data;
    // hub-sdk names the part after the file; the worker never opens the archive (the runner does).
    const archive = (name: string, bytes = new Uint8Array([80, 75, 3, 4, 1, 2, 3])) => {
      const form = new FormData();
      form.append(name, new File([bytes], name));
      return form;
    };
    const stored = async () =>
      (await body(await call("GET", "/api/storage", { auth: t.key }))).usage.storage.current as number;
    expect((await hub(t, "POST", `/v1/datasets/${dataset.id}/upload`, { body: archive("notes.txt") })).status).toBe(
      400,
    );
    expect((await hub(t, "POST", `/v1/datasets/${dataset.id}/upload`, { body: new FormData() })).status).toBe(400);
    const foreign = await hub(outsider, "POST", `/v1/datasets/${dataset.id}/upload`, { body: archive("set.zip") });
    expect(foreign.status).toBe(404);
    expect(await stored()).toBe(0);
    const sent = await hub(t, "POST", `/v1/datasets/${dataset.id}/upload`, { body: archive("set.zip") });
    expect(sent.status, await sent.clone().text()).toBe(200);
    const { jobId } = (await body(sent)).data;
    const { job } = await body(await call("GET", `/api/jobs/${jobId}`, { auth: t.key }));
    expect(job).toMatchObject({ kind: "ingest", status: "queued" });
    expect((await body(await call("GET", `/api/datasets/${dataset.id}`, { auth: t.key }))).dataset.status).toBe(
      "processing",
    );
    expect(await stored()).toBe(7);
    // One ingest at a time: the second is refused before its bytes are stored.
    const again = await hub(t, "POST", `/v1/datasets/${dataset.id}/upload`, { body: archive("set.zip") });
    expect(again.status).toBe(409);
    expect(await stored()).toBe(7);
  });

  it("reads projects and datasets (a dataset's url downloads its NDJSON) and predicts with an image part", async () => {
    const t = await newTenant("hub-read");
    const { projectId, modelId } = await newModel(t);
    const project = (await body(await hub(t, "GET", `/v1/projects/${projectId}`))).data;
    // hub-sdk's own tests read a project's and a dataset's name from `meta`, as HUB wrote it.
    expect(project).toMatchObject({ id: projectId, owner: t.username, meta: { name: project.name } });
    expect((await body(await hub(t, "GET", "/v1/projects"))).data.results.map((p: { id: string }) => p.id)).toContain(
      projectId,
    );
    const dataset = await body(
      await call("POST", "/api/datasets", { auth: t.key, json: { name: "Hub data", classNames: ["a"] } }),
    );
    await ingestPictures(t.key, dataset.id, [{ name: "x.jpg", labels: [{ classId: 0, bbox: [0.5, 0.5, 0.1, 0.1] }] }]);
    const read = (await body(await hub(t, "GET", `/v1/datasets/${dataset.id}`))).data;
    expect(read).toMatchObject({ id: dataset.id, imageCount: 1, classNames: ["a"], meta: { name: "Hub data" } });
    const ndjson = await call("GET", read.url.replace(BASE, ""));
    expect((await ndjson.text()).trim().split("\n")).toHaveLength(2);
    expect((await body(await hub(t, "GET", "/v1/datasets"))).data.total).toBe(1);
    expect((await hub(t, "GET", "/v1/datasets/dst_00000000000000000000")).status).toBe(404);

    await uploadWeights(t.key, modelId, new Uint8Array([8, 1, 2, 3]), "best.onnx");
    const form = new FormData();
    form.append("image", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "p.png", { type: "image/png" }));
    form.append("conf", "0.4");
    const result = { images: [{ shape: [10, 10], speed: {}, results: [] }] };
    const [answer] = await Promise.all([
      hub(t, "POST", `/v1/predict/${modelId}`, { body: form }),
      serveOnePredict(modelId, { result }, (inputs) => expect(inputs.spec).toMatchObject({ conf: 0.4 })),
    ]);
    expect(answer.status, await answer.clone().text()).toBe(200);
    expect((await body(answer)).data.images).toEqual(result.images);
  });
});
