import { describe, expect, it } from "vitest";
import { BASE, body, call, newModel, newTenant } from "../../helpers";
import { uploadWeights } from "../../runner-protocol";

const bytes = (size: number, seed: number) => new Uint8Array(size).map((_, i) => (i * 7 + seed) & 0xff);

describe("model files through signed uploads", () => {
  it("fills a model: weights, files beside them, and revisions that keep the old file", async () => {
    const t = await newTenant();
    const { modelId } = await newModel(t);
    await uploadWeights(t.key, modelId, bytes(100, 1), "best.pt");
    await uploadWeights(t.key, modelId, bytes(20, 2), "args.yaml");
    await uploadWeights(t.key, modelId, bytes(150, 3), "best.pt");

    const model = (await body(await call("GET", `/api/models/${modelId}`, { auth: t.key }))).model;
    expect(model).toMatchObject({ hasWeights: true, file: { size: 150 } });
    const { files } = await body(await call("GET", `/api/models/${modelId}/files`, { auth: t.key }));
    expect(files.map((f: { name: string; size: number }) => [f.name, f.size])).toEqual([
      ["args.yaml", 20],
      ["best.pt", 150],
    ]);
    const current = await call("GET", files[1].downloadUrl.replace(BASE, ""));
    expect(new Uint8Array(await current.arrayBuffer())).toEqual(bytes(150, 3));

    // The first best.pt is still stored (a revision), and counted.
    const storage = await body(await call("GET", "/api/storage", { auth: t.key }));
    expect(storage.breakdown.byCategory.models).toEqual({ bytes: 270, count: 3 });
    // Each .pt queued an inspect job for the runner fleet.
    const account = await body(await call("GET", "/api/account/summary", { auth: t.key }));
    expect(account.counts.models).toBe(1);
  });

  it("makes a new model named after the file when the upload targets a project", async () => {
    const t = await newTenant();
    const { projectId } = await newModel(t, "existing");
    await uploadWeights(t.key, projectId, bytes(64, 4), "YOLO11n Custom.pt");
    const { models } = await body(await call("GET", `/api/models?projectId=${projectId}`, { auth: t.key }));
    const made = models.find((m: { model: string }) => m.model === "yolo11n-custom");
    expect(made).toMatchObject({ name: "YOLO11n Custom", hasWeights: true, status: "pending" });
    const storage = await body(await call("GET", "/api/storage?details=true", { auth: t.key }));
    expect(storage.breakdown.topItems[0]).toMatchObject({ _id: made.id, type: "model" });
  });

  it("refuses to sign an upload to a model or project the caller cannot write, or to no model at all", async () => {
    const owner = await newTenant();
    const outsider = await newTenant();
    const { modelId, projectId } = await newModel(owner);
    const ask = (auth: string, assetId: string) =>
      call("POST", "/api/upload/signed-url", {
        auth,
        json: {
          assetType: "models",
          assetId,
          filename: "best.pt",
          contentType: "application/octet-stream",
          totalBytes: 10,
        },
      });
    expect((await ask(outsider.key, modelId)).status).toBe(404);
    expect((await ask(outsider.key, projectId)).status).toBe(404);
    const nothing = await ask(owner.key, "m1");
    expect(nothing.status).toBe(400);
    expect((await body(nothing)).error).toMatch(/assetId/);
  });
});
