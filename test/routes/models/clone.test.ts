import { describe, expect, it } from "vitest";
import { BASE, body, call, newModel, newTenant } from "../../helpers";
import { serveOnePredict, uploadWeights } from "../../runner-protocol";

const weights = new Uint8Array(300).map((_, i) => (i * 13) & 0xff);

describe("POST /api/models/{id}/clone", () => {
  it("copies a public model with its weights into the caller's project (session only)", async () => {
    const owner = await newTenant();
    const cloner = await newTenant();
    const project = await body(
      await call("POST", "/api/projects", { auth: owner.key, json: { project: "zoo", visibility: "public" } }),
    );
    const source = await body(
      await call("POST", "/api/models", {
        auth: owner.key,
        json: { projectId: project.id, model: "famous", visibility: "public", task: "detect" },
      }),
    );
    await uploadWeights(owner.key, source.id, weights);
    await call("POST", "/api/projects", { auth: cloner.key, json: { project: "mine" } });

    const byKey = await call("POST", `/api/models/${source.id}/clone`, {
      auth: cloner.key,
      json: { targetProjectSlug: "mine" },
    });
    expect(byKey.status).toBe(403);
    const cloned = await call("POST", `/api/models/${owner.username}/zoo/famous/clone`, {
      auth: cloner.session,
      json: { project: "mine", name: "My Copy" },
    });
    expect(cloned.status).toBe(201);
    const copy = await body(cloned);
    expect(copy).toMatchObject({
      owner: cloner.username,
      project: "mine",
      model: "my-copy",
      name: "My Copy",
      region: "us",
    });

    const detail = (await body(await call("GET", `/api/models/${copy.id}`, { auth: cloner.key }))).model;
    expect(detail).toMatchObject({ sourceModelId: source.id, task: "detect", hasWeights: true, visibility: "private" });
    const { files } = await body(await call("GET", `/api/models/${copy.id}/files`, { auth: cloner.key }));
    const bytes = new Uint8Array(await (await call("GET", files[0].downloadUrl.replace(BASE, ""))).arrayBuffer());
    expect(bytes).toEqual(weights);
    expect((await body(await call("GET", "/api/storage", { auth: cloner.key }))).breakdown.byCategory.models).toEqual({
      bytes: 300,
      count: 1,
    });
    expect((await body(await call("GET", `/api/models/${source.id}`, { auth: owner.key }))).model.cloneCount).toBe(1);
  });

  it("refuses a private model of someone else (404), an unknown project (404) and a taken name (409)", async () => {
    const owner = await newTenant();
    const other = await newTenant();
    const { modelId } = await newModel(owner, "secret");
    await call("POST", "/api/projects", { auth: other.key, json: { project: "mine" } });
    expect(
      (await call("POST", `/api/models/${modelId}/clone`, { auth: other.session, json: { targetProjectSlug: "mine" } }))
        .status,
    ).toBe(404);
    expect(
      (
        await call("POST", `/api/models/${modelId}/clone`, {
          auth: owner.session,
          json: { targetProjectSlug: "nowhere" },
        })
      ).status,
    ).toBe(404);
    expect((await call("POST", `/api/models/${modelId}/clone`, { auth: owner.session, json: {} })).status).toBe(400);
    await call("POST", "/api/projects", { auth: owner.key, json: { project: "dest" } });
    expect(
      (
        await call("POST", `/api/models/${modelId}/clone`, {
          auth: owner.session,
          json: { project: "dest", model: "copy" },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call("POST", `/api/models/${modelId}/clone`, {
          auth: owner.session,
          json: { project: "dest", model: "copy" },
        })
      ).status,
    ).toBe(409);
  });
});

describe("predict token and warmup (session only)", () => {
  it("issues a token whose predictUrl predicts with that model and no other credential", async () => {
    const t = await newTenant();
    const { modelId } = await newModel(t);
    const otherSlug = `other-${Date.now().toString(36)}`;
    const { modelId: otherModel } = await newModel(t, otherSlug);
    await uploadWeights(t.key, modelId, new Uint8Array([8, 1]), "best.onnx");
    await uploadWeights(t.key, otherModel, new Uint8Array([8, 1]), "best.onnx");
    expect((await call("POST", `/api/models/${modelId}/predict/token`, { auth: t.key })).status).toBe(403);
    const issued = await body(await call("POST", `/api/models/${modelId}/predict/token`, { auth: t.session }));
    expect(issued.predictUrl).toContain(`/api/models/${modelId}/predict?token=`);
    const picture = () => {
      const form = new FormData();
      form.append("file", new File([new Uint8Array([0x89, 0x50])], "p.png", { type: "image/png" }));
      return form;
    };
    const [answer] = await Promise.all([
      call("POST", issued.predictUrl.replace(BASE, ""), { body: picture() }),
      serveOnePredict(modelId, {
        result: { images: [{ shape: [2, 2], speed: { preprocess: 0, inference: 1, postprocess: 0 }, results: [] }] },
      }),
    ]);
    expect(answer.status).toBe(200);
    const wrongModel = await call("POST", `/api/models/${otherModel}/predict?token=${issued.token}`, {
      body: picture(),
    });
    expect(wrongModel.status).toBe(403);
    // The owner/slug path form is bound to the token's model too.
    const bySlug = await call(
      "POST",
      `/api/models/${t.username}/p-${otherSlug}/${otherSlug}/predict?token=${issued.token}`,
      { body: picture() },
    );
    expect(bySlug.status).toBe(403);
    expect((await body(bySlug)).error).toMatch(/another model/);
    expect(
      (await call("POST", `/api/models/${modelId}/predict?token=forged.token.here`, { body: picture() })).status,
    ).toBe(401);
  });

  it("warms up: ready with an ONNX file, else starts the export", async () => {
    const t = await newTenant();
    const { modelId } = await newModel(t);
    expect((await call("POST", `/api/models/${modelId}/predict/warmup`, { auth: t.session })).status).toBe(503);
    await uploadWeights(t.key, modelId, new Uint8Array(10), "best.pt");
    expect(await body(await call("POST", `/api/models/${modelId}/predict/warmup`, { auth: t.session }))).toEqual({
      success: true,
      ready: false,
    });
    expect((await body(await call("GET", `/api/exports?modelId=${modelId}`, { auth: t.key }))).exports).toMatchObject([
      { format: "onnx" },
    ]);
    await uploadWeights(t.key, modelId, new Uint8Array([8]), "best.onnx");
    expect(await body(await call("POST", `/api/models/${modelId}/predict/warmup`, { auth: t.session }))).toEqual({
      success: true,
      ready: true,
    });
  });
});
