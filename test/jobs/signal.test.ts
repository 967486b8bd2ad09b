import { describe, expect, it } from "vitest";
import { body, call, newModel, newTenant } from "../helpers";
import { RUNNER_TOKEN, uploadWeights } from "../runner-protocol";

const wait = (json: Record<string, unknown>) => call("POST", "/internal/runners/wait", { auth: RUNNER_TOKEN, json });

async function modelWithWeights() {
  const t = await newTenant();
  const { modelId } = await newModel(t);
  await uploadWeights(t.key, modelId, new Uint8Array(64));
  return { t, modelId };
}

describe("POST /internal/runners/wait: idle runners hear about new jobs at once", () => {
  it("answers a first call at once, then wakes a waiting runner when a job is queued on its queue", async () => {
    const { t, modelId } = await modelWithWeights();
    const first = await body(await wait({ queues: ["cli-jobs", "gpu-jobs"] }));
    expect(first).toMatchObject({
      woke: false,
      generations: { "cli-jobs": expect.any(Number), "gpu-jobs": expect.any(Number) },
    });

    const started = Date.now();
    const waiting = wait({ queues: ["cli-jobs"], seen: first.generations, timeoutMs: 20_000 }).then(body);
    const idle = wait({ queues: ["gpu-jobs"], seen: first.generations, timeoutMs: 1500 }).then(body);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call("POST", "/api/exports", { auth: t.key, json: { modelId, format: "onnx" } })).status).toBe(201);
    const woken = await waiting;
    expect(woken.woke).toBe(true);
    expect(woken.generations["cli-jobs"]).toBeGreaterThan(first.generations["cli-jobs"]);
    expect(Date.now() - started).toBeLessThan(10_000);
    // A runner of another queue sleeps on until its timeout.
    expect(await idle).toEqual({ woke: false, generations: { "gpu-jobs": first.generations["gpu-jobs"] } });
  });

  it("answers at once when the queue moved since the runner last looked, and refuses bad input", async () => {
    const { t, modelId } = await modelWithWeights();
    const before = await body(await wait({ queues: ["cli-jobs"] }));
    await call("POST", "/api/exports", { auth: t.key, json: { modelId, format: "torchscript" } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const missed = await body(await wait({ queues: ["cli-jobs"], seen: before.generations, timeoutMs: 20_000 }));
    expect(missed.woke).toBe(true);

    for (const json of [
      { queues: [] },
      { queues: ["train-jobs"] },
      { queues: ["cli-jobs"], timeoutMs: 60_000 },
      { queues: ["cli-jobs"], seen: { "cli-jobs": -1 } },
    ]) {
      const refused = await wait(json);
      expect(refused.status).toBe(400);
      expect(await body(refused)).toMatchObject({ code: "VALIDATION_ERROR" });
    }
    expect((await call("POST", "/internal/runners/wait", { json: { queues: ["cli-jobs"] } })).status).toBe(401);
  });
});
