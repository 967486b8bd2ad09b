import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobs } from "../../../src/db/schema";
import { REMOTE_PICTURE } from "../../doubles/remote-web";
import { body, call, newModel, newTenant, withDb, type Tenant } from "../../helpers";
import { serveOnePredict, uploadWeights } from "../../runner-protocol";

const remote = (path: string) => `http://${env.REMOTE_WEB}${path}`;
const result = {
  images: [{ shape: [1, 1], speed: { preprocess: 1, inference: 1, postprocess: 1 }, results: [] }],
  metadata: { imageCount: 1 },
};

function sourceForm(source: string) {
  const data = new FormData();
  data.append("source", source);
  return data;
}

async function onnxModel(): Promise<{ t: Tenant; modelId: string }> {
  const t = await newTenant();
  const { modelId } = await newModel(t);
  await uploadWeights(t.key, modelId, new Uint8Array([8, 1, 2, 3]), "best.onnx");
  return { t, modelId };
}

async function predictJobs(modelId: string) {
  return withDb((db) =>
    db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.modelId, modelId), eq(jobs.kind, "predict"))),
  );
}

async function remoteHits(probe: string): Promise<number> {
  return ((await (await fetch(remote(`/hits?probe=${probe}`))).json()) as { hits: number }).hits;
}

describe("POST /api/models/{id}/predict with a source URL", () => {
  it("fetches the picture through the guarded fetch and predicts on it", async () => {
    const { t, modelId } = await onnxModel();
    const [response] = await Promise.all([
      call("POST", `/api/models/${modelId}/predict`, {
        auth: t.key,
        body: sourceForm(remote("/redirect?to=/picture.png")),
      }),
      serveOnePredict(modelId, { result }, (inputs) => expect(inputs.image).toEqual(REMOTE_PICTURE)),
    ]);
    expect(response.status).toBe(200);
  });

  it("refuses loopback, private, link-local and metadata addresses without fetching, and queues nothing", async () => {
    const { t, modelId } = await onnxModel();
    const sources = [
      "http://127.0.0.1/x.png",
      "http://127.0.0.1:8787/api/health",
      "http://10.0.0.1/x.png",
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://[::1]/x.png",
      "http://[::ffff:127.0.0.1]/x.png",
      "http://2130706433/x.png",
      "http://localhost/x.png",
      "http://internal.example.test/x.png",
      "http://metadata.example.test/",
      "http://mixed.example.test/x.png",
      "file:///etc/passwd",
      "http://user:pass@93.184.215.14/x.png",
    ];
    for (const source of sources) {
      const response = await call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: sourceForm(source) });
      expect(response.status, source).toBe(400);
      const answer = await body(response);
      expect(answer.code).toBe("VALIDATION_ERROR");
      expect(answer.error, source).toMatch(/^Invalid form: source: /);
    }
    expect(await predictJobs(modelId)).toEqual([]);
  });

  it("checks every redirect's target, and follows at most three", async () => {
    const { t, modelId } = await onnxModel();
    const toLoopback = remote(`/redirect?to=${encodeURIComponent("http://127.0.0.1:9/secret")}`);
    const toMetadata = remote(`/redirect?to=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`);
    let chain = remote("/picture.png");
    for (let hop = 0; hop < 4; hop++) chain = remote(`/redirect?to=${encodeURIComponent(chain)}`);
    const broken = remote(`/redirect?to=${encodeURIComponent("http://[::1")}`);
    const cases = [
      [toLoopback, /not public/],
      [toMetadata, /not public/],
      [chain, /more than 3 redirects/],
      [broken, /not a valid URL/],
    ] as const;
    for (const [source, message] of cases) {
      const response = await call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: sourceForm(source) });
      expect(response.status).toBe(400);
      expect((await body(response)).error).toMatch(message);
    }
    expect(await predictJobs(modelId)).toEqual([]);
  });

  it("stops a body over the 100 MB cap, declared or streamed, with 413", async () => {
    const { t, modelId } = await onnxModel();
    for (const source of [remote("/huge-declared"), remote("/huge-streamed?mb=101")]) {
      const response = await call("POST", `/api/models/${modelId}/predict`, { auth: t.key, body: sourceForm(source) });
      expect(response.status, source).toBe(413);
      expect((await body(response)).error).toMatch(/source is larger than 104857600 bytes/);
    }
    expect(await predictJobs(modelId)).toEqual([]);
  });

  it("says only 'could not fetch the source' when the remote fails, never its status or body", async () => {
    const { t, modelId } = await onnxModel();
    const response = await call("POST", `/api/models/${modelId}/predict`, {
      auth: t.key,
      body: sourceForm(remote("/error")),
    });
    expect(response.status).toBe(400);
    const { error } = await body(response);
    expect(error).toBe("Invalid form: source: could not fetch the source");
  });

  it("fetches nothing for a caller who may not use the model (after auth and the model lookup)", async () => {
    const { modelId } = await onnxModel();
    const outsider = await newTenant();
    const probe = crypto.randomUUID();
    const source = remote(`/picture.png?probe=${probe}`);
    expect(
      (await call("POST", `/api/models/${modelId}/predict`, { auth: outsider.key, body: sourceForm(source) })).status,
    ).toBe(404);
    expect((await call("POST", `/api/models/${modelId}/predict`, { body: sourceForm(source) })).status).toBe(404);
    expect(
      (await call("POST", `/api/models/${modelId}/predict`, { auth: "ul_" + "0".repeat(40), body: sourceForm(source) }))
        .status,
    ).toBe(401);
    expect(await remoteHits(probe)).toBe(0);
  });
});
