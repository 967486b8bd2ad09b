/**
 * The Runner's own logic against the API double (./api-double.ts): how many jobs it runs at once,
 * what it does with a refused claim, how it hands a job back on shutdown, and how it stops a
 * cancelled one. The same paths run against the real API in e2e.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configFromEnv } from "../src/config";
import type { Executor } from "../src/executors/types";
import { Runner } from "../src/runner";
import { ApiDouble } from "./api-double";

let api: ApiDouble;
let workDir: string;
let runner: Runner | undefined;
const logs: string[] = [];

beforeEach(async () => {
  api = new ApiDouble();
  await api.start();
  workDir = mkdtempSync(path.join(os.tmpdir(), "runner-test-"));
  logs.length = 0;
});

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await api.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function startRunner(executor: Executor, concurrency = 1): Runner {
  const env = {
    RUNNER_TOKEN: "fleet-token",
    EDGEHUB_API_URL: api.url,
    RUNNER_QUEUES: "cpu-jobs",
    RUNNER_CONCURRENCY: String(concurrency),
    RUNNER_POLL_MS: "20",
    RUNNER_SHUTDOWN_GRACE_MS: "100",
    RUNNER_WORK_DIR: workDir,
  };
  runner = new Runner(
    configFromEnv(env, undefined, () => false),
    { test: executor },
    [],
    (line) => logs.push(line),
  );
  void runner.start();
  return runner;
}

function queue(...jobIds: string[]): void {
  for (const jobId of jobIds) api.queued.push({ jobId, kind: "test" });
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log: ${logs.join(" | ")}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const typesOf = (jobId: string) => api.events.filter((e) => e.jobId === jobId).map((e) => e.type);

describe("the Runner", () => {
  it("runs at most `concurrency` jobs at once and pulls no message it has no slot for", async () => {
    let running = 0;
    let most = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    startRunner(async () => {
      most = Math.max(most, ++running);
      await gate;
      running--;
      return { result: {} };
    }, 2);
    queue("job1", "job2", "job3", "job4", "job5");
    await until(() => running === 2, "two jobs running");
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(api.queued.map((job) => job.jobId)).toEqual(["job3", "job4", "job5"]);
    open();
    await until(() => api.acks.length === 5, "five acks");
    expect(most).toBe(2);
    expect(api.acks.sort()).toEqual(["job1", "job2", "job3", "job4", "job5"]);
    for (const jobId of api.acks) expect(typesOf(jobId)).toEqual(["started", "completed"]);
  });

  it("on a refused claim runs nothing: retries a job another runner holds after a lease, drops one that is over", async () => {
    let ran = 0;
    startRunner(async () => {
      ran++;
      return {};
    });
    api.claims.set("held", { refuse: "lease-held" });
    api.claims.set("over", { refuse: "finished" });
    queue("held", "over");
    await until(() => api.retries.length === 1 && api.acks.length === 1, "the retry and the ack");
    expect(api.retries).toEqual([{ jobId: "held", delaySeconds: 3 }]);
    expect(api.acks).toEqual(["over"]);
    expect(ran).toBe(0);
    expect(api.events).toEqual([]);
  });

  it("on stop hands a running job back (released) and returns its message to the queue at once", async () => {
    let stopped: unknown;
    const r = startRunner(
      (context) =>
        new Promise((_, reject) =>
          context.signal.addEventListener("abort", () => {
            stopped = context.signal.reason;
            reject(context.signal.reason);
          }),
        ),
    );
    queue("long");
    await until(() => typesOf("long").includes("started"), "the job to start");
    await r.stop();
    expect((stopped as Error).message).toBe("runner shutting down");
    expect(typesOf("long")).toEqual(["started", "released"]);
    expect(api.retries).toEqual([{ jobId: "long", delaySeconds: 0 }]);
    expect(api.acks).toEqual([]);
  });

  it("stops a job whose callback answers cancelled: the executor is aborted and nothing more is reported", async () => {
    let reason: unknown;
    startRunner(async (context) => {
      while (!context.signal.aborted) {
        await context.progress({ step: 1 }).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      reason = context.signal.reason;
      throw reason;
    });
    queue("doomed");
    await until(() => typesOf("doomed").includes("progress"), "progress");
    api.cancelled.add("doomed");
    await until(() => api.acks.includes("doomed"), "the ack");
    expect((reason as { reason?: string }).reason).toBe("cancelled");
    expect(typesOf("doomed")).not.toContain("failed");
    expect(typesOf("doomed")).not.toContain("completed");
    expect(logs.some((line) => line.startsWith("doomed stopped"))).toBe(true);
  });
});
