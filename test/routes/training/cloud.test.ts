/**
 * Cloud training through the Worker: what POST /api/training/start checks, and the key a job's
 * `yolo train` gets, played here by the runner protocol (the whole run with a runner and the
 * yolo double is in gpu-runner/test/e2e.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { grantCredits } from "../../../src/services/credits";
import { BASE, body, call, newModel, newTenant, withDb, type Tenant } from "../../helpers";
import { ingestPictures } from "../../ingest-protocol";
import { claim, heartbeat, report } from "../../runner-protocol";
import { and, eq } from "drizzle-orm";
import { jobs } from "../../../src/db/schema";

let t: Tenant;
let data: string;

/** A user with credits and a dataset to train on (starts count 10 a minute per key: cases use their own). */
async function funded(prefix: string) {
  const tenant = await newTenant(prefix);
  await withDb((db) => grantCredits(db, tenant.workspaceId, 5_000, "cloud test"));
  const dataset = await body(await call("POST", "/api/datasets", { auth: tenant.key, json: { name: "Parts" } }));
  await ingestPictures(tenant.key, dataset.id, [{ name: "a.jpg" }, { name: "b.jpg", split: "val" }]);
  return { tenant, data: `ul://${tenant.username}/datasets/${dataset.dataset}` };
}

beforeAll(async () => {
  ({ tenant: t, data } = await funded("cloud"));
  // A runner of the fleet offers the GPU type these runs ask for.
  await heartbeat({ queues: ["gpu-jobs"], gpuType: "l4", name: "cloud-test-gpu" });
});

const start = (auth: string, json: Record<string, unknown>) => call("POST", "/api/training/start", { auth, json });
const args = (extra: Record<string, unknown> = {}) => ({ model: "yolo11n.pt", data, epochs: 10, ...extra });

async function queuedTrainJob(modelId: string) {
  const [job] = await withDb((db) =>
    db
      .select()
      .from(jobs)
      .where(and(eq(jobs.modelId, modelId), eq(jobs.kind, "train"))),
  );
  return job!;
}

describe("POST /api/training/start", () => {
  it("reserves the estimate, queues the job, and answers the contract's shape", async () => {
    const { modelId } = await newModel(t);
    const response = await start(t.key, { modelId, gpuType: "l4", trainArgs: args() });
    expect(response.status, await response.clone().text()).toBe(200);
    const answer = await body(response);
    expect(answer).toMatchObject({
      modelId,
      status: "starting",
      gpuType: "l4",
      estimatedCost: { pricePerHour: 0.39, gpuMemoryGb: 24 },
      billing: { estimatedCostCents: 7, estimatedCostDisplay: "$0.07", balanceCents: 5_000 - 7 },
    });
    const job = await queuedTrainJob(modelId);
    expect(job).toMatchObject({ queue: "gpu-jobs", gpuType: "l4", status: "queued" });
    expect(job.spec).toMatchObject({ args: { model: "yolo11n.pt", data, epochs: 10 }, name: expect.any(String) });
    const progress = await body(await call("GET", `/api/models/${modelId}/training`, { auth: t.key }));
    expect(progress.job).toMatchObject({ status: "starting", progress: { currentEpoch: 0, totalEpochs: 10 } });
    expect(progress.job.compute).toMatchObject({ gpuType: "l4", gpuDisplayName: "L4" });
    expect((await start(t.key, { modelId, gpuType: "l4", trainArgs: args() })).status).toBe(409);
  });

  it("refuses what it cannot run, changing nothing", async () => {
    const { modelId } = await newModel(t);
    const poor = await newTenant("poor");
    const { modelId: poorModel } = await newModel(poor);
    const poorData = await body(await call("POST", "/api/datasets", { auth: poor.key, json: { name: "P" } }));
    await ingestPictures(poor.key, poorData.id, [{ name: "p.jpg" }]);
    const cases: [string, Record<string, unknown>, number, RegExp][] = [
      [t.key, { modelId, gpuType: "l4", trainArgs: args({ epochs: 0 }) }, 400, /epochs/],
      [t.key, { modelId, gpuType: "l4", trainArgs: args({ lr0: 5 }) }, 400, /lr0/],
      [t.key, { modelId, gpuType: "l4", trainArgs: args({ surprise: 1 }) }, 400, /surprise/],
      [t.key, { modelId, gpuType: "l4", trainArgs: args({ model: "../../etc/passwd" }) }, 400, /model/],
      [t.key, { modelId, gpuType: "h100-sxm", trainArgs: args() }, 503, /No runner offers h100-sxm.*l4/],
      [
        t.key,
        { modelId, gpuType: "l4", trainArgs: args({ data: `ul://${t.username}/datasets/nope` }) },
        404,
        /Dataset/,
      ],
      [t.key, { modelId, gpuType: "l4", trainArgs: args({ model: `ul://${t.username}/p/none` }) }, 404, /not found/],
      [t.key, { modelId: "mdl_00000000000000000000", gpuType: "l4", trainArgs: args() }, 404, /not found/],
      [
        poor.key,
        {
          modelId: poorModel,
          gpuType: "l4",
          trainArgs: args({ data: `ul://${poor.username}/datasets/${poorData.dataset}` }),
        },
        402,
        /Insufficient credits/,
      ],
    ];
    for (const [auth, json, status, message] of cases) {
      const response = await start(auth, json);
      expect(response.status, String(message)).toBe(status);
      expect((await body(response)).error).toMatch(message);
    }
    const untouched = (await body(await call("GET", `/api/models/${modelId}`, { auth: t.key }))).model;
    expect(untouched.status).toBe("untrained");
  });

  it("gives the job a key for its own model's training callbacks only, revoked when the job ends", async () => {
    const { tenant: owner, data: ownData } = await funded("cloud-key");
    const { modelId } = await newModel(owner);
    const { modelId: otherModel } = await newModel(owner);
    const started = await start(owner.key, { modelId, gpuType: "l4", trainArgs: args({ data: ownData }) });
    expect(started.status).toBe(200);
    const job = await queuedTrainJob(modelId);
    const { claim: c } = await claim(job.id, (await heartbeat({ queues: ["gpu-jobs"], gpuType: "l4" })).runnerId);
    expect(c!.env).toEqual({
      ULTRALYTICS_PLATFORM_URL: BASE,
      ULTRALYTICS_API_KEY: expect.stringMatching(/^ul_[0-9a-f]{40}$/),
    });
    const key = c!.env!.ULTRALYTICS_API_KEY!;
    await report(c!, { type: "started" });

    const metrics = (json: Record<string, unknown>) =>
      call("POST", "/api/webhooks/training/metrics", { auth: key, json });
    const begun = await body(
      await metrics({ event: "training_started", project: "anything/else", name: "x", data: { epochs: 10 } }),
    );
    expect(begun.modelId).toBe(modelId); // the key's model, whatever the run is called
    expect(
      (await metrics({ event: "epoch_end", modelId, data: { epoch: 1, metrics: { "metrics/mAP50(B)": 0.3 } } })).status,
    ).toBe(200);
    expect((await metrics({ event: "epoch_end", modelId: otherModel, data: { epoch: 1 } })).status).toBe(403);
    expect((await call("GET", "/api/projects", { auth: key })).status).toBe(403);
    const listed = await body(await call("GET", "/api/api-keys", { auth: owner.key }));
    expect(JSON.stringify(listed)).not.toContain("training job");

    await report(c!, { type: "failed", error: { message: "CUDA out of memory" } });
    expect((await metrics({ event: "epoch_end", modelId, data: { epoch: 2 } })).status).toBe(401);
    const progress = await body(await call("GET", `/api/models/${modelId}/training`, { auth: owner.key }));
    expect(progress.job).toMatchObject({ status: "failed", error: { message: "CUDA out of memory" } });
  });

  it("says which GPU types the live fleet offers, publicly", async () => {
    const response = await call("GET", "/api/training/gpu-availability");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    const levels = await body(response);
    expect(levels.l4).toMatch(/^(High|Medium|Low)$/);
    expect(levels["b300"]).toBeNull();
    expect(Object.keys(levels)).toContain("cpu");
  });
});
