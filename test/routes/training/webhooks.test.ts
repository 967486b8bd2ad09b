/**
 * The ultralytics package's Platform callbacks (CLIENTS.md §3), sent here as the package sends
 * them: the same URLs, bodies, order and retries, a raw NaN included.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { trainingConsole, trainingRuns } from "../../../src/db/schema";
import worker from "../../../src/index";
import { BASE, body, call, newTenant, withDb, type Tenant } from "../../helpers";
import { ingestPictures } from "../../ingest-protocol";

const METRICS = "/api/webhooks/training/metrics";

const send = (t: Tenant, json: Record<string, unknown>) => call("POST", METRICS, { auth: t.key, json });

function started(project: string, name: string, epochs = 3) {
  return {
    event: "training_started",
    project,
    name,
    data: {
      trainArgs: { model: "yolo11n.pt", data: "coco8.yaml", epochs: String(epochs), imgsz: "640", batch: "16" },
      epochs,
      device: "cpu",
      environment: { python: "3.12.3", ultralytics: "8.4.14", os: "Linux" },
    },
  };
}

const epochEnd = (modelId: string, epoch: number, map: number | string = 0.5) => ({
  event: "epoch_end",
  modelId,
  data: {
    epoch,
    metrics: { "train/box_loss": 1.5 - epoch * 0.1, "metrics/mAP50(B)": map, "val/box_loss": 1.2, "lr/pg0": 0.01 },
    system: { gpu: "cpu", ram_gb: 3.1 },
    fitness: 0.4,
    best_fitness: 0.4,
  },
});

async function startRun(t: Tenant, project = `${t.username}/inspection`, name = "exp1") {
  const response = await send(t, started(project, name));
  expect(response.status, await response.clone().text()).toBe(200);
  return body(response);
}

describe("training webhooks, as the ultralytics package sends them", () => {
  it("tracks a local run: project made, model, console, epochs, checkpoint and completion", async () => {
    const t = await newTenant("trainer");
    const run = await startRun(t);
    expect(run).toMatchObject({ modelSlug: "exp1", cancelled: false });
    expect(run.modelId).toMatch(/^mdl_/);
    expect(run.runId).toMatch(/^run_/);
    // The start retried (a lost answer): the same run, not exp1-2.
    expect(await startRun(t)).toMatchObject({ modelId: run.modelId, runId: run.runId });
    const project = await body(await call("GET", `/api/projects/${t.username}/inspection`, { auth: t.key }));
    expect(project.project ?? project).toMatchObject({ name: "inspection" });

    const chunk = {
      event: "console_output",
      modelId: run.modelId,
      data: { chunkId: "c1", content: "Epoch 1/3", lineCount: 1 },
    };
    for (let i = 0; i < 2; i++) expect((await send(t, chunk)).status).toBe(200);
    // Older packages name the model by project and name.
    await send(t, {
      ...chunk,
      modelId: undefined,
      project: `${t.username}/inspection`,
      name: "exp1",
      data: { chunkId: "c2", content: "Epoch 2/3", lineCount: 1 },
    });

    expect(await body(await send(t, epochEnd(run.modelId, 1)))).toEqual({ ok: true, cancelled: false });
    // A raw NaN, as Python's json writes it, is kept as null; epoch 2 sent twice is one row.
    const raw = JSON.stringify(epochEnd(run.modelId, 2)).replace('"metrics/mAP50(B)":0.5', '"metrics/mAP50(B)":NaN');
    for (let i = 0; i < 2; i++) {
      const response = await call("POST", METRICS, {
        auth: t.key,
        body: raw,
        headers: { "Content-Type": "application/json" },
      });
      expect(response.status, await response.clone().text()).toBe(200);
    }

    const progress = await body(await call("GET", `/api/models/${run.modelId}/training`, { auth: t.key }));
    expect(progress.job).toMatchObject({
      id: run.runId,
      status: "running",
      progress: { currentEpoch: 2, totalEpochs: 3, percentage: 66.7 },
      compute: null,
      trainArgs: { model: "yolo11n.pt", epochs: "3", batch: "16", imgsz: "640" },
      epochMetrics: { "train/box_loss": 1.3, "val/box_loss": 1.2, "lr/pg0": 0.01 },
      error: null,
    });
    expect(progress.job.epochMetrics).not.toHaveProperty("metrics/mAP50(B)");
    expect(progress).not.toHaveProperty("charts");
    const detail = await body(
      await call("GET", `/api/models/${t.username}/inspection/exp1/training?include=detail`, { auth: t.key }),
    );
    expect(detail.charts.metrics["metrics/mAP50(B)"]).toEqual([
      { epoch: 1, value: 0.5 },
      { epoch: 2, value: null },
    ]);
    expect(Object.keys(detail.charts.trainLoss)).toEqual(["train/box_loss"]);
    expect(detail.console).toBe("Epoch 1/3\nEpoch 2/3");
    expect(detail.system).toEqual({ gpu: "cpu", ram_gb: 3.1 });

    // A checkpoint: signed URL, then a plain PUT without auth; it becomes the model's best.pt.
    const signed = await body(
      await call("POST", "/api/webhooks/models/upload", {
        auth: t.key,
        json: { filename: "best.pt", modelId: run.modelId },
      }),
    );
    expect(signed.gcsPath).toContain(run.modelId);
    const bytes = new Uint8Array([0x50, 0x4b, 3, 4, 9, 9]);
    const put = await call("PUT", signed.uploadUrl.replace(BASE, ""), {
      body: bytes,
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length) },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const wrongName = await call("PUT", signed.uploadUrl.replace(BASE, "").replace("best.pt", "last.pt"), {
      body: bytes,
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length) },
    });
    expect(wrongName.status).toBe(403);
    expect(
      (await send(t, { event: "checkpoint_saved", modelId: run.modelId, data: { modelPath: "best.pt" } })).status,
    ).toBe(200);

    const complete = {
      event: "training_complete",
      modelId: run.modelId,
      data: {
        results: { metrics: { "metrics/mAP50(B)": 0.61, "metrics/mAP50-95(B)": 0.42 }, bestEpoch: 1, bestFitness: 0.4 },
        classNames: ["person", "car"],
        plots: [{ type: "results", url: "results.png" }],
      },
    };
    expect((await send(t, complete)).status).toBe(200);
    const model = (await body(await call("GET", `/api/models/${run.modelId}`, { auth: t.key }))).model;
    expect(model).toMatchObject({ status: "completed", bestEpoch: 1 });
    const files = await body(await call("GET", `/api/models/${run.modelId}/files`, { auth: t.key }));
    expect(JSON.stringify(files)).toContain("best.pt");
    const done = await body(await call("GET", `/api/models/${run.modelId}/training`, { auth: t.key }));
    expect(done.job).toMatchObject({ status: "completed", progress: { percentage: 100 }, timing: { etaMs: 0 } });

    // The name now belongs to a finished model: the next run is exp1-2.
    const next = await startRun(t);
    expect(next).toMatchObject({ modelSlug: "exp1-2" });
    expect(next.modelId).not.toBe(run.modelId);
  });

  it("takes events out of order: epochs land by number, and an event before any start is a 409", async () => {
    const t = await newTenant("unordered");
    const early = await send(t, {
      event: "epoch_end",
      project: `${t.username}/inspection`,
      name: "exp1",
      data: { epoch: 1 },
    });
    expect(early.status).toBe(404); // no such model yet: nothing is made from an epoch
    const run = await startRun(t);
    for (const epoch of [3, 1, 2]) expect((await send(t, epochEnd(run.modelId, epoch, 0.1 * epoch))).status).toBe(200);
    const detail = await body(await call("GET", `/api/models/${run.modelId}/training?include=detail`, { auth: t.key }));
    expect(detail.charts.metrics["metrics/mAP50(B)"].map((point: { epoch: number }) => point.epoch)).toEqual([1, 2, 3]);
    expect(detail.job.progress.currentEpoch).toBe(3);
    // A model made by hand, never started: its events have no run to land in.
    const made = await body(
      await call("POST", "/api/models", { auth: t.key, json: { project: "inspection", model: "manual" } }),
    );
    const orphan = await send(t, epochEnd(made.id, 1));
    expect(orphan.status).toBe(409);
    expect((await body(orphan)).error).toMatch(/send training_started first/);
  });

  it("ends a run whose trainer fell silent for 2 hours as failed (hourly cron); a chatty one runs on", async () => {
    const t = await newTenant("silent");
    const dead = await startRun(t, `${t.username}/inspection`, "crashed");
    const alive = await startRun(t, `${t.username}/inspection`, "long-epoch");
    await send(t, { event: "console_output", modelId: alive.modelId, data: { chunkId: "c1", content: "1/100 ..." } });
    const longAgo = new Date(Date.now() - 3 * 60 * 60 * 1000);
    await withDb(async (db) => {
      for (const runId of [dead.runId, alive.runId])
        await db.update(trainingRuns).set({ updatedAt: longAgo }).where(eq(trainingRuns.id, runId));
      // The console line is recent: the long epoch still speaks.
      await db.update(trainingConsole).set({ createdAt: new Date() }).where(eq(trainingConsole.runId, alive.runId));
    });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const progress = async (modelId: string) =>
      body(await call("GET", `/api/models/${modelId}/training`, { auth: t.key }));
    const ended = await progress(dead.modelId);
    expect(ended.job.status).toBe("failed");
    expect(ended.job.error.message).toMatch(/stopped reporting/);
    expect((await progress(alive.modelId)).job.status).toBe("running");
    // A late training_complete still completes the ended run's model.
    const late = await send(t, { event: "training_complete", modelId: dead.modelId, data: { results: {} } });
    expect(late.status).toBe(200);
    expect((await progress(dead.modelId)).job.status).toBe("completed");
  });

  it("cancels: the next epoch_end says so, and cancelling twice is a 409", async () => {
    const t = await newTenant("canceller");
    const run = await startRun(t);
    const cancelled = await call("DELETE", `/api/models/${t.username}/inspection/exp1/training`, { auth: t.key });
    expect(await body(cancelled)).toEqual({ success: true, status: "cancelled" });
    expect(await body(await send(t, epochEnd(run.modelId, 1)))).toMatchObject({ cancelled: true });
    expect((await call("DELETE", `/api/models/${t.username}/inspection/exp1/training`, { auth: t.key })).status).toBe(
      409,
    );
    const model = (await body(await call("GET", `/api/models/${run.modelId}`, { auth: t.key }))).model;
    expect(model.status).toBe("cancelled");
  });

  it("refuses bad keys, others' projects, unknown models and malformed bodies; ignores unknown events", async () => {
    const t = await newTenant("owner");
    const other = await newTenant("intruder");
    const run = await startRun(t);
    const cases: [string | undefined, Record<string, unknown> | string, number][] = [
      ["not-a-key", started(`${t.username}/inspection`, "exp9"), 401],
      // Another's private project is invisible: 404, as everywhere.
      [other.key, started(`${t.username}/inspection`, "exp9"), 404],
      [other.key, epochEnd(run.modelId, 1), 404],
      [t.key, epochEnd("mdl_00000000000000000000", 1), 404],
      [t.key, { event: "epoch_end", project: "no-slash", name: "x", data: {} }, 400],
      [t.key, "{ not json", 400],
      [t.key, { data: {} }, 400],
    ];
    for (const [auth, json, status] of cases) {
      const response =
        typeof json === "string"
          ? await call("POST", METRICS, { auth, body: json, headers: { "Content-Type": "application/json" } })
          : await call("POST", METRICS, { auth, json });
      expect(response.status, JSON.stringify(json)).toBe(status);
      expect((await body(response)).error).toBeTruthy();
    }
    expect(await body(await send(t, { event: "hyperparameters_tuned", modelId: run.modelId }))).toEqual({
      ok: true,
      ignored: true,
    });
    const progress = await body(await call("GET", `/api/models/${run.modelId}/training`, { auth: t.key }));
    expect(progress.job.progress.currentEpoch).toBe(0);
    // A private model's training is invisible to others.
    expect((await call("GET", `/api/models/${run.modelId}/training`, { auth: other.key })).status).toBe(404);
  });

  it("resolves ul:// names by redirect: a dataset to its newest version's NDJSON, a model to its .pt", async () => {
    const t = await newTenant("resolver");
    const other = await newTenant("stranger");
    const dataset = await body(
      await call("POST", "/api/datasets", { auth: t.key, json: { name: "Cars", classNames: ["car"] } }),
    );
    await ingestPictures(t.key, dataset.id, [{ name: "a.jpg" }, { name: "b.jpg", split: "val" }]);
    const head = (path: string, auth?: string) => call("HEAD", path, { auth, redirect: "manual" });
    const resolved = await head(`/api/webhooks/datasets/${t.username}/${dataset.dataset}/export`, t.key);
    expect(resolved.status).toBe(302);
    const ndjson = await call("GET", resolved.headers.get("Location")!.replace(BASE, ""));
    expect((await ndjson.text()).trim().split("\n")).toHaveLength(3);
    // Unchanged since: the same version again.
    const again = await head(`/api/webhooks/datasets/${t.username}/${dataset.dataset}/export`, t.key);
    expect(again.headers.get("Location")).toContain(`${dataset.dataset}-v1.ndjson`);
    expect((await head(`/api/webhooks/datasets/${t.username}/${dataset.dataset}/export`)).status).toBe(401);
    expect((await head(`/api/webhooks/datasets/${t.username}/${dataset.dataset}/export`, other.key)).status).toBe(404);
    expect((await head(`/api/webhooks/datasets/${t.username}/nope/export`, t.key)).status).toBe(404);

    const run = await startRun(t, `${t.username}/cars`, "exp1");
    const model = `/api/webhooks/models/${t.username}/cars/exp1/download`;
    expect((await head(model, t.key)).status).toBe(404); // no weights yet
    const signed = await body(
      await call("POST", "/api/webhooks/models/upload", {
        auth: t.key,
        json: { filename: "best.pt", modelId: run.modelId },
      }),
    );
    await call("PUT", signed.uploadUrl.replace(BASE, ""), {
      body: new Uint8Array(8),
      headers: { "Content-Type": "application/octet-stream", "Content-Length": "8" },
    });
    const weights = await head(model, t.key);
    expect(weights.status).toBe(302);
    expect(new URL(weights.headers.get("Location")!).pathname).toMatch(/\.pt$/);
  });
});
