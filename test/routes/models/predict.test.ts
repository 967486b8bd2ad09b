import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobs } from "../../../src/db/schema";
import { BASE, body, call, newModel, newTenant, withDb, type Tenant } from "../../helpers";
import { claim, heartbeat, report, serveOnePredict, uploadOutput, uploadWeights } from "../../runner-protocol";

const picture = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);

function form(fields: Record<string, string | Blob>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

async function check(inputs: { image: Uint8Array; modelName: string; spec: Record<string, unknown> }) {
  expect(inputs.image).toEqual(picture);
  expect(inputs.modelName).toBe("best.onnx");
  expect(inputs.spec).toMatchObject({ conf: 0.5, iou: 0.7, imgsz: 640 });
}

const runnerResult = {
  images: [
    {
      shape: [480, 640],
      speed: { preprocess: 1.5, inference: 30.2, postprocess: 0.4 },
      results: [
        { class: 1, name: "green_ellipse", confidence: 0.97, box: { x1: 484, y1: 148.6, x2: 580.7, y2: 218.8 } },
      ],
    },
  ],
  metadata: { imageCount: 1 },
};

async function onnxModel(): Promise<{ t: Tenant; modelId: string }> {
  const t = await newTenant();
  const { modelId } = await newModel(t);
  await uploadWeights(t.key, modelId, new Uint8Array([8, 1, 2, 3]), "best.onnx");
  return { t, modelId };
}

describe("POST /api/models/{id}/predict", () => {
  it("answers within the request once the runner reports, in the Platform's shape", async () => {
    const { t, modelId } = await onnxModel();
    const [response] = await Promise.all([
      call("POST", `/api/models/${modelId}/predict`, {
        auth: t.key,
        body: form({ file: new File([picture], "shapes.png", { type: "image/png" }), conf: "0.5" }),
      }),
      serveOnePredict(modelId, { result: runnerResult }, check),
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-RateLimit-Limit")).toBe("20");
    const answer = await body(response);
    expect(answer.images).toEqual(runnerResult.images);
    expect(answer.metadata).toMatchObject({ imageCount: 1, task: "detect", version: { edgehub: "0.1.0" } });
  });

  it("takes the picture as base64 in source, with or without a data: prefix", async () => {
    const { t, modelId } = await onnxModel();
    const base64 = btoa(String.fromCharCode(...picture));
    for (const source of [base64, `data:image/png;base64,${base64}`]) {
      const [response] = await Promise.all([
        call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: form({ source, conf: "0.5" }) }),
        serveOnePredict(modelId, { result: runnerResult }, check),
      ]);
      expect(response.status).toBe(200);
    }
  });

  it("answers 202 with the job to poll when the runner takes longer than the bound", async () => {
    const { t, modelId } = await onnxModel();
    const response = await call("POST", `/api/models/${modelId}/predict`, {
      auth: t.key,
      body: form({ file: new File([picture], "a.png", { type: "image/png" }), conf: "0.5" }),
    });
    expect(response.status).toBe(202);
    const queued = await body(response);
    expect(queued.pollUrl).toBe(`${BASE}/api/jobs/${queued.jobId}`);
    expect((await body(await call("GET", `/api/jobs/${queued.jobId}`, { auth: t.key }))).job).toMatchObject({
      kind: "predict",
      status: "queued",
    });
  });

  it("turns an undecodable picture into a 400 with the runner's reason", async () => {
    const { t, modelId } = await onnxModel();
    const [response] = await Promise.all([
      call("POST", `/api/models/${modelId}/predict`, {
        auth: t.key,
        body: form({ file: new File([picture], "a.png", { type: "image/png" }), conf: "0.5" }),
      }),
      serveOnePredict(modelId, { error: "Could not decode the picture: unsupported image format" }, check),
    ]);
    expect(response.status).toBe(400);
    expect((await body(response)).error).toMatch(/Could not decode the picture/);
  });

  it("refuses bad input before queuing anything", async () => {
    const { t, modelId } = await onnxModel();
    const cases: [BodyInit | null, Record<string, string>, number, RegExp][] = [
      [form({ conf: "0.5" }), {}, 400, /file/],
      [form({ file: new File([picture], "a.png", { type: "image/png" }), conf: "2" }), {}, 400, /conf/],
      [form({ file: new File([picture], "a.png", { type: "image/png" }), imgsz: "big" }), {}, 400, /imgsz/],
      [form({ file: new File([picture], "clip.mp4", { type: "video/mp4" }) }), {}, 400, /Video/],
      [form({ file: new File([picture], "a.pdf", { type: "application/pdf" }) }), {}, 415, /picture/],
      [form({ source: "ftp://example.com/x.png" }), {}, 400, /source/],
      [form({ source: "a" }), {}, 400, /base64/],
      [JSON.stringify({ file: "x" }), { "Content-Type": "application/json" }, 415, /multipart/],
      ["--x\r\nbroken", { "Content-Type": "multipart/form-data; boundary=x" }, 400, /multipart/],
    ];
    for (const [payload, headers, status, message] of cases) {
      const response = await call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: payload, headers });
      expect(response.status, String(message)).toBe(status);
      expect((await body(response)).error).toMatch(message);
    }
    const big = await call("POST", `/api/models/${modelId}/predict`, {
      auth: t.key,
      body: "x",
      headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(200 * 1024 * 1024) },
    });
    expect(big.status).toBe(413);
    const queued = await withDb((db) =>
      db
        .select()
        .from(jobs)
        .where(and(eq(jobs.modelId, modelId), eq(jobs.kind, "predict"))),
    );
    expect(queued).toEqual([]);
  });

  it("starts the model's ONNX export on first use (503 + Retry-After), and 404s an outsider", async () => {
    const t = await newTenant();
    const outsider = await newTenant();
    const { modelId } = await newModel(t);
    const file = () => form({ file: new File([picture], "a.png", { type: "image/png" }) });
    expect((await call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: file() })).status).toBe(503);
    await uploadWeights(t.key, modelId, new Uint8Array(16), "best.pt");
    const first = await call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: file() });
    expect(first.status).toBe(503);
    expect(first.headers.get("Retry-After")).toBe("15");
    const exports = await body(await call("GET", `/api/exports?modelId=${modelId}`, { auth: t.key }));
    expect(exports.exports).toMatchObject([{ format: "onnx", status: "queued" }]);
    await call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: file() });
    expect((await body(await call("GET", `/api/exports?modelId=${modelId}`, { auth: t.key }))).exports).toHaveLength(1);
    expect((await call("POST", `/api/models/${modelId}/predict`, { auth: outsider.key, body: file() })).status).toBe(
      404,
    );
  });

  it("runs on the finished ONNX export, and on an uploaded .onnx before it", async () => {
    const t = await newTenant();
    const { modelId } = await newModel(t);
    const file = () => form({ file: new File([picture], "a.png", { type: "image/png" }) });
    await uploadWeights(t.key, modelId, new Uint8Array(16), "best.pt");
    expect((await call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: file() })).status).toBe(503);
    const [made] = (await body(await call("GET", `/api/exports?modelId=${modelId}`, { auth: t.key }))).exports;
    const { claim: c } = await claim(made.jobId, (await heartbeat()).runnerId);
    await report(c!, { type: "started" });
    await report(c!, {
      type: "completed",
      outputs: [await uploadOutput(c!, "model.onnx", new Uint8Array([8, 1]))],
      result: {},
    });

    const runsOn = async () => {
      let seen: { modelName: string; spec: Record<string, unknown> } | undefined;
      const [answer] = await Promise.all([
        call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: file() }),
        serveOnePredict(modelId, { result: runnerResult }, (inputs) => void (seen = inputs)),
      ]);
      expect(answer.status).toBe(200);
      return { name: seen!.modelName, fileId: seen!.spec.modelFileId };
    };
    expect(await runsOn()).toEqual({ name: "model.onnx", fileId: made.id });
    await uploadWeights(t.key, modelId, new Uint8Array([8, 2]), "best.onnx");
    expect(await runsOn()).toEqual({ name: "best.onnx", fileId: expect.stringMatching(/^mfl_/) });
  });
});
