import { describe, expect, it } from "vitest";
import { grantCredits } from "../../../src/services/credits";
import { BASE, body, call, newModel, newTenant, withDb } from "../../helpers";
import { claim, heartbeat, report, uploadOutput, uploadWeights } from "../../runner-protocol";

const weights = new Uint8Array(2048).map((_, i) => i & 0xff);

async function modelWithWeights() {
  const t = await newTenant();
  const { modelId, projectId } = await newModel(t);
  await uploadWeights(t.key, modelId, weights);
  return { t, modelId, projectId };
}

async function exportOf(auth: string, json: Record<string, unknown>) {
  const response = await call("POST", "/api/exports", { auth, json });
  return { response, created: await body(response) };
}

describe("exports", () => {
  it("queues an ONNX export, a runner completes it, and the file downloads from a signed URL", async () => {
    const { t, modelId } = await modelWithWeights();
    const { response, created } = await exportOf(t.key, {
      modelId,
      format: "onnx",
      args: { imgsz: 640, dynamic: false },
    });
    expect(response.status).toBe(201);
    expect(created).toMatchObject({ format: "onnx", status: "queued", region: "us" });
    expect(created.id).toMatch(/^exp_/);

    const queued = (await body(await call("GET", `/api/exports/${created.id}`, { auth: t.key }))).export;
    expect(queued).toMatchObject({
      id: created.id,
      status: "queued",
      format: "onnx",
      args: { imgsz: 640, dynamic: false },
      modelId,
    });

    const { runnerId } = await heartbeat();
    const { claim: c } = await claim(queued.jobId, runnerId);
    expect(c!.job).toMatchObject({ kind: "export", attempt: 1, spec: { exportId: created.id, format: "onnx" } });
    const input = await call("GET", c!.inputs.weights!.url.replace(BASE, ""));
    expect(new Uint8Array(await input.arrayBuffer())).toEqual(weights);

    expect((await body(await report(c!, { type: "started" }))).status).toBe("running");
    expect((await call("GET", `/api/exports/${created.id}`, { auth: t.key }).then(body)).export.status).toBe("running");
    const onnx = new Uint8Array([8, 1, 18, 4, 1, 2, 3, 4]);
    const output = await uploadOutput(c!, "model.onnx", onnx);
    const done = await report(c!, { type: "completed", outputs: [output], result: {} });
    expect(await body(done)).toMatchObject({ ok: true, status: "completed", duplicate: false });

    const finished = (
      await body(
        await call(
          "GET",
          `/api/models/${t.username}/p-${(await call("GET", `/api/models/${modelId}`, { auth: t.key }).then(body)).model.model}/${(await call("GET", `/api/models/${modelId}`, { auth: t.key }).then(body)).model.model}/exports/${created.id}`,
          { auth: t.key },
        ),
      )
    ).export;
    expect(finished).toMatchObject({
      status: "completed",
      file: { size: onnx.length, downloadFilename: "model.onnx" },
    });
    expect(finished.jobId).toBeUndefined();
    const file = await call("GET", finished.file.downloadUrl.replace(BASE, ""));
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(onnx);

    const storage = await body(await call("GET", "/api/storage", { auth: t.key }));
    expect(storage.breakdown.byCategory.exports).toEqual({ bytes: onnx.length, count: 1 });
    const listed = await body(await call("GET", `/api/exports?modelId=${modelId}&status=completed`, { auth: t.key }));
    expect(listed.exports.map((e: { id: string }) => e.id)).toEqual([created.id]);

    expect(await body(await call("DELETE", `/api/exports/${created.id}`, { auth: t.key }))).toEqual({
      success: true,
      action: "deleted",
    });
    expect((await call("GET", `/api/exports/${created.id}`, { auth: t.key })).status).toBe(404);
    expect((await body(await call("GET", "/api/storage", { auth: t.key }))).breakdown.byCategory.exports).toEqual({
      bytes: 0,
      count: 0,
    });
  });

  it("exports the weights current when it was asked for, even if a new revision arrives before a runner claims it", async () => {
    const { t, modelId } = await modelWithWeights();
    const { created } = await exportOf(t.key, { modelId, format: "onnx" });
    const newer = new Uint8Array(4096).fill(7);
    await uploadWeights(t.key, modelId, newer);
    const jobId = (await body(await call("GET", `/api/exports/${created.id}`, { auth: t.key }))).export.jobId;
    const { claim: c } = await claim(jobId, (await heartbeat()).runnerId);
    const input = new Uint8Array(await (await call("GET", c!.inputs.weights!.url.replace(BASE, ""))).arrayBuffer());
    expect(input).toEqual(weights);
    // The model itself now shows the new revision, and a new export would take it.
    expect((await body(await call("GET", `/api/models/${modelId}`, { auth: t.key }))).model.file).toEqual({
      size: newer.length,
    });
  });

  it("says why a job waits when no live runner can take it, and reuses an identical live export", async () => {
    const { t, modelId } = await modelWithWeights();
    const first = await exportOf(t.key, { modelId, format: "rknn", args: { name: "rk3588" } });
    expect(first.created.waitingReason).toMatch(/No live runner (pulls from cli-jobs|can export rknn)/);
    const again = await exportOf(t.key, { modelId, format: "rknn", args: { name: "rk3588" } });
    expect(again.created.id).toBe(first.created.id);
    const cancelled = await call("DELETE", `/api/exports/${first.created.id}`, { auth: t.key });
    expect(await body(cancelled)).toEqual({ success: true, action: "cancelled" });
    const third = await exportOf(t.key, { modelId, format: "rknn", args: { name: "rk3588" } });
    expect(third.created.id).not.toBe(first.created.id);
  });

  it("validates formats, arguments, GPU types and the guide's restrictions with a clear 400", async () => {
    const { t, modelId } = await modelWithWeights();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ modelId, format: "engine" }, /gpuType: required/],
      [{ modelId, format: "onnx", gpuType: "rtx-4090" }, /only engine/],
      [{ modelId, format: "engine", gpuType: "gtx-480" }, /gpuType/],
      [{ modelId, format: "pdf" }, /format/],
      [{ modelId, format: "onnx", args: { imgsz: 7 } }, /args\.imgsz/],
      [{ modelId, format: "onnx", args: { colour: "red" } }, /args/],
      [{ modelId, format: "axelera" }, /Axelera export is only available for detection models/],
      [{ modelId: "mdl_nope", format: "onnx" }, /modelId/],
    ];
    await call("PATCH", `/api/models/${modelId}`, { auth: t.key, json: { task: "segment" } });
    for (const [json, message] of cases) {
      const { response, created } = await exportOf(t.key, json);
      expect(response.status, JSON.stringify(json)).toBe(400);
      expect(created.error, JSON.stringify(json)).toMatch(message);
    }
    const imx = await exportOf(t.key, { modelId, format: "imx" });
    expect(imx.created.error).toMatch(/IMX500 export is only available for YOLOv8 and YOLO11/);
    const listed = await body(await call("GET", `/api/exports?modelId=${modelId}`, { auth: t.key }));
    expect(listed.exports).toEqual([]);
  });

  it("refuses a model without weights (409) and an outsider's model (404)", async () => {
    const t = await newTenant();
    const outsider = await newTenant();
    const { modelId } = await newModel(t);
    expect((await exportOf(t.key, { modelId, format: "onnx" })).response.status).toBe(409);
    expect((await exportOf(outsider.key, { modelId, format: "onnx" })).response.status).toBe(404);
  });

  it("reserves credits for a TensorRT export (402 without them), settles by GPU-seconds, once", async () => {
    const { t, modelId } = await modelWithWeights();
    const poor = await exportOf(t.key, { modelId, format: "engine", gpuType: "rtx-4090" });
    expect(poor.response.status).toBe(402);
    expect(poor.created).toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect((await body(await call("GET", `/api/exports?modelId=${modelId}`, { auth: t.key }))).exports).toEqual([]);

    await withDb((db) => grantCredits(db, t.workspaceId, 1000, "test grant"));
    const rich = await exportOf(t.key, { modelId, format: "engine", gpuType: "rtx-4090", args: { half: true } });
    expect(rich.response.status).toBe(201);
    expect(rich.created).toMatchObject({ format: "engine", gpuType: "rtx-4090", status: "queued" });
    const reserved = await body(await call("GET", "/api/account/summary", { auth: t.key }));
    expect(reserved.creditsCents).toBe(1000 - 15); // 15 min of rtx-4090 at 59 cents/h

    const { runnerId } = await heartbeat({ queues: ["gpu-jobs"], gpuType: "rtx-4090", formats: ["engine"] });
    const jobId = (await body(await call("GET", `/api/exports/${rich.created.id}`, { auth: t.key }))).export.jobId;
    const { claim: c } = await claim(jobId, runnerId);
    await report(c!, { type: "started" });
    const output = await uploadOutput(c!, "model.engine", new Uint8Array(16));
    const event = { type: "completed", outputs: [output], result: {}, gpuSeconds: 3600 };
    await report(c!, event, { eventId: "done-1" });
    const duplicate = await body(await report(c!, event, { eventId: "done-1" }));
    expect(duplicate).toMatchObject({ duplicate: true, status: "completed" });
    const settled = await body(await call("GET", "/api/account/summary", { auth: t.key }));
    expect(settled.creditsCents).toBe(1000 - 59);
  });
});
