import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobs } from "../../src/db/schema";
import worker from "../../src/index";
import { body, call, newModel, newTenant, withDb } from "../helpers";
import { claim, heartbeat, report, RUNNER_TOKEN, uploadOutput, uploadWeights } from "../runner-protocol";

async function queuedExport() {
  const t = await newTenant();
  const { modelId } = await newModel(t);
  await uploadWeights(t.key, modelId, new Uint8Array(64));
  const created = await body(
    await call("POST", "/api/exports", { auth: t.key, json: { modelId, format: "torchscript" } }),
  );
  const detail = (await body(await call("GET", `/api/exports/${created.id}`, { auth: t.key }))).export;
  return { t, modelId, exportId: created.id as string, jobId: detail.jobId as string };
}

const lapse = (jobId: string) =>
  withDb((db) =>
    db
      .update(jobs)
      .set({ leaseExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(jobs.id, jobId)),
  );

describe("claims", () => {
  it("lets exactly one of two concurrent runners hold a job", async () => {
    const { jobId } = await queuedExport();
    const [a, b] = await Promise.all([heartbeat({ name: "a" }), heartbeat({ name: "b" })]);
    const results = await Promise.all([claim(jobId, a.runnerId), claim(jobId, b.runnerId)]);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.response.status === 409)!;
    expect(await body(loser.response)).toMatchObject({ code: "CONFLICT", details: { reason: "lease-held" } });
  });

  it("refuses runner routes without the fleet token", async () => {
    const { jobId } = await queuedExport();
    expect(
      (await call("POST", `/internal/jobs/${jobId}/claim`, { json: { runnerId: `rnr_${"0".repeat(20)}` } })).status,
    ).toBe(401);
    expect(
      (
        await call("POST", `/internal/jobs/${jobId}/claim`, {
          auth: "wrong-token",
          json: { runnerId: `rnr_${"0".repeat(20)}` },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call("POST", "/internal/runners/heartbeat", {
          auth: RUNNER_TOKEN,
          json: { name: "x", queues: ["gpu-queue"] },
        })
      ).status,
    ).toBe(400);
  });

  it("redelivers a job whose runner died as attempt 2, which completes without duplicated metrics", async () => {
    const { t, jobId, exportId } = await queuedExport();
    const { runnerId: first } = await heartbeat({ name: "dies" });
    const { claim: one } = await claim(jobId, first);
    await report(one!, { type: "started" });
    await report(one!, { type: "metrics", step: 0, metrics: { loss: 0.9 } });
    await report(one!, { type: "metrics", step: 1, metrics: { loss: 0.7 } });

    const { runnerId: second } = await heartbeat({ name: "survives" });
    expect((await claim(jobId, second)).response.status).toBe(409); // the first still holds it
    await lapse(jobId);
    const { claim: two } = await claim(jobId, second);
    expect(two!.job.attempt).toBe(2);

    // The dead runner's late callbacks are refused: its attempt no longer holds the job.
    const late = await report(one!, { type: "heartbeat" });
    expect(late.status).toBe(409);
    expect((await body(late)).details).toEqual({ reason: "superseded" });

    await report(two!, { type: "started" });
    for (const [step, loss] of [
      [0, 0.8],
      [1, 0.6],
      [2, 0.5],
    ] as const)
      await report(two!, { type: "metrics", step, metrics: { loss } });
    const output = await uploadOutput(two!, "model.torchscript", new Uint8Array(8));
    await report(two!, { type: "completed", outputs: [output] });

    const job = (await body(await call("GET", `/api/jobs/${jobId}`, { auth: t.key }))).job;
    expect(job).toMatchObject({ status: "completed", attempt: 2 });
    expect(job.metrics).toEqual([
      { step: 0, metrics: { loss: 0.8 } },
      { step: 1, metrics: { loss: 0.6 } },
      { step: 2, metrics: { loss: 0.5 } },
    ]);
    expect((await body(await call("GET", `/api/exports/${exportId}`, { auth: t.key }))).export.status).toBe(
      "completed",
    );
    // A terminal job never reopens, even when its lease time has passed.
    await lapse(jobId);
    const reopened = (await claim(jobId, second)).response;
    expect(reopened.status).toBe(409);
    expect((await body(reopened)).details).toEqual({ reason: "finished" });
  });

  it("fails a job after its last attempt", async () => {
    const { t, jobId } = await queuedExport();
    const { runnerId } = await heartbeat();
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect((await claim(jobId, runnerId)).claim!.job.attempt).toBe(attempt);
      await lapse(jobId);
    }
    expect((await claim(jobId, runnerId)).response.status).toBe(409);
    const job = (await body(await call("GET", `/api/jobs/${jobId}`, { auth: t.key }))).job;
    expect(job.status).toBe("failed");
    expect(job.error.message).toMatch(/after 3 attempts/);
  });
});

describe("callbacks", () => {
  it("refuses forged, stale and malformed callbacks and changes nothing", async () => {
    const { t, jobId } = await queuedExport();
    const { runnerId } = await heartbeat();
    const { claim: c } = await claim(jobId, runnerId);
    const forged = await report(c!, { type: "started" }, { secret: "0".repeat(64) });
    expect(forged.status).toBe(401);
    expect(await body(forged)).toMatchObject({ code: "UNAUTHORIZED" });
    const stale = await report(c!, { type: "started" }, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(401);
    const unsigned = await call("POST", `/api/webhooks/jobs/${jobId}`, { json: { type: "started" } });
    expect(unsigned.status).toBe(401);
    const malformed = await report(c!, { type: "completed", outputs: "everything" });
    expect(malformed.status).toBe(400);
    const otherJob = await call("POST", `/api/webhooks/jobs/job_${"0".repeat(20)}`, { json: {} });
    expect(otherJob.status).toBe(401);
    const missingOutput = await report(c!, {
      type: "completed",
      outputs: [{ name: "x.onnx", key: `ws/${t.workspaceId}/jobs/${jobId}/1/x.onnx`, size: 3 }],
    });
    expect(missingOutput.status).toBe(400);
    const foreignOutput = await report(c!, {
      type: "completed",
      outputs: [{ name: "x", key: `ws/other/jobs/${jobId}/1/x`, size: 3 }],
    });
    expect(foreignOutput.status).toBe(400);
    expect((await body(await call("GET", `/api/jobs/${jobId}`, { auth: t.key }))).job.status).toBe("starting");
  });

  it("applies a replayed event once", async () => {
    const { t, jobId } = await queuedExport();
    const { runnerId } = await heartbeat();
    const { claim: c } = await claim(jobId, runnerId);
    const first = await body(
      await report(c!, { type: "log", lines: [{ seq: 0, line: "Ultralytics 8.4.14" }] }, { eventId: "log-1" }),
    );
    const replay = await body(
      await report(c!, { type: "log", lines: [{ seq: 0, line: "Ultralytics 8.4.14" }] }, { eventId: "log-1" }),
    );
    expect(first.duplicate).toBe(false);
    expect(replay.duplicate).toBe(true);
    expect((await body(await call("GET", `/api/jobs/${jobId}`, { auth: t.key }))).job.status).toBe("starting");
  });

  it("stops a cancelled job: the runner's next callback gets 409", async () => {
    const { t, jobId, exportId } = await queuedExport();
    const { runnerId } = await heartbeat();
    const { claim: c } = await claim(jobId, runnerId);
    await report(c!, { type: "started" });
    expect(await body(await call("DELETE", `/api/exports/${exportId}`, { auth: t.key }))).toEqual({
      success: true,
      action: "cancelled",
    });
    const next = await report(c!, { type: "progress", progress: { percent: 50 } });
    expect(next.status).toBe(409);
    expect(await body(next)).toMatchObject({
      error: expect.stringMatching(/cancelled/),
      details: { reason: "cancelled" },
    });
    expect((await body(await call("GET", `/api/exports/${exportId}`, { auth: t.key }))).export.status).toBe(
      "cancelled",
    );
  });

  it("ends a job failed with its executor's error", async () => {
    const { t, jobId, exportId } = await queuedExport();
    const { runnerId } = await heartbeat();
    const { claim: c } = await claim(jobId, runnerId);
    await report(c!, { type: "started" });
    await report(c!, {
      type: "failed",
      error: { message: "yolo export exited with code 1: ModuleNotFoundError: onnx", code: "EXECUTOR_EXIT" },
    });
    const exported = (await body(await call("GET", `/api/exports/${exportId}`, { auth: t.key }))).export;
    expect(exported.status).toBe("failed");
    expect(exported.error.message).toMatch(/ModuleNotFoundError/);
    expect((await report(c!, { type: "heartbeat" })).status).toBe(409);
  });
});

describe("the hourly sweep", () => {
  async function runCron() {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
  }

  it("puts a job whose runner went silent back in the queue, and fails one out of attempts", async () => {
    const { t, jobId } = await queuedExport();
    const { runnerId } = await heartbeat();
    const { claim: c } = await claim(jobId, runnerId);
    await report(c!, { type: "started" });
    await lapse(jobId);
    await runCron();
    const requeued = (await body(await call("GET", `/api/jobs/${jobId}`, { auth: t.key }))).job;
    expect(requeued).toMatchObject({ status: "queued", attempt: 1 });
    expect((await report(c!, { type: "heartbeat" })).status).toBe(409);

    await withDb((db) => db.update(jobs).set({ maxAttempts: 2 }).where(eq(jobs.id, jobId)));
    const { claim: again } = await claim(jobId, runnerId);
    expect(again!.job.attempt).toBe(2);
    await lapse(jobId);
    await runCron();
    const failed = (await body(await call("GET", `/api/jobs/${jobId}`, { auth: t.key }))).job;
    expect(failed).toMatchObject({ status: "failed", attempt: 2 });
    expect(failed.error.message).toMatch(/stopped reporting/);
  });

  it("deletes predict pictures older than two hours and keeps fresh ones", async () => {
    const old = `tmp/predict/${new Date(Date.now() - 3 * 3600_000).toISOString().slice(0, 13)}/wsp_x/job_x/a.png`;
    const fresh = `tmp/predict/${new Date().toISOString().slice(0, 13)}/wsp_x/job_y/b.png`;
    await env.BUCKET.put(old, "old");
    await env.BUCKET.put(fresh, "fresh");
    await runCron();
    expect(await env.BUCKET.head(old)).toBeNull();
    expect(await env.BUCKET.head(fresh)).not.toBeNull();
  });
});
