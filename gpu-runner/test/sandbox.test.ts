import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxFromEnv } from "../src/config";
import type { JobContext } from "../src/executors/types";
import { runYolo } from "../src/executors/yolo-cli";
import { bwrapWorks, runSandboxed, type SandboxMode, type SandboxSettings } from "../src/sandbox";

const YOLO_DOUBLE = path.resolve(import.meta.dirname, "yolo-double/yolo");
const FLEET_SECRET = "fleet-secret-runner-token-0123456789";
const modes: SandboxMode[] = bwrapWorks() ? ["plain", "bwrap"] : ["plain"];
if (!modes.includes("bwrap"))
  console.warn("sandbox.test: bubblewrap is not usable here; only the plain mode is tested");

function settings(mode: SandboxMode, overrides: Partial<SandboxSettings> = {}): SandboxSettings {
  return { ...sandboxFromEnv({ RUNNER_SANDBOX: "plain" }), mode, ...overrides };
}

describe.each(modes)("the %s sandbox", (mode) => {
  let root: string;
  let jobDir: string;
  let otherJob: string;
  const saved = { RUNNER_TOKEN: process.env.RUNNER_TOKEN, QUEUE_TOKEN: process.env.QUEUE_TOKEN };

  beforeAll(() => {
    // The runner's own secrets, as its process holds them.
    process.env.RUNNER_TOKEN = FLEET_SECRET;
    process.env.QUEUE_TOKEN = FLEET_SECRET;
    root = mkdtempSync(path.join(os.tmpdir(), "edgehub-sandbox-"));
    jobDir = path.join(root, "job-1");
    otherJob = path.join(root, "job-2");
    mkdirSync(jobDir);
    mkdirSync(otherJob);
    writeFileSync(path.join(otherJob, "their-weights.pt"), "another tenant's checkpoint");
  });

  afterAll(() => {
    Object.assign(process.env, saved);
    for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name];
    rmSync(root, { recursive: true, force: true });
  });

  it("runs a hostile checkpoint's code with none of the fleet's credentials", async () => {
    const model = path.join(jobDir, "hostile.pt");
    const targets = {
      read: [path.join(otherJob, "their-weights.pt")],
      write: [path.join(otherJob, "planted"), path.join(root, "planted"), path.join(jobDir, "mine")],
    };
    writeFileSync(model, `HOSTILE-PAYLOAD\n${JSON.stringify(targets)}`);
    // Through the executors' own entry to the CLI, as an export job runs it.
    const context = {
      config: { yoloBin: YOLO_DOUBLE, sandbox: settings(mode) },
      workDir: jobDir,
      signal: new AbortController().signal,
      log: () => {},
    };
    await runYolo(context as unknown as JobContext, ["export", `model=${model}`, "format=onnx"]);
    const report = JSON.parse(readFileSync(path.join(jobDir, "report.json"), "utf8"));
    expect(JSON.stringify(report.env)).not.toContain(FLEET_SECRET);
    expect(Object.keys(report.env).sort()).toEqual(expect.arrayContaining(["HOME", "PATH", "TMPDIR"]));
    expect(Object.keys(report.env).filter((name) => /TOKEN|SECRET|KEY|DATABASE/.test(name))).toEqual([]);
    expect(report.env.HOME).toBe(jobDir);
    expect(report.writes[path.join(jobDir, "mine")].ok).toBe(true);
    if (mode === "bwrap") {
      // Its own pid namespace: the runner's process (and its environment) is not there to read.
      expect(report.pids).not.toContain(String(process.pid));
      expect(report.environs.join("\n")).not.toContain(FLEET_SECRET);
      expect(report.reads[targets.read[0]!].ok).toBe(false);
      expect(report.writes[targets.write[0]!].ok).toBe(false);
      expect(existsSync(path.join(otherJob, "planted"))).toBe(false);
      expect(existsSync(path.join(root, "planted"))).toBe(false);
    }
  });

  it("kills the child and everything it started at the wall-clock limit", async () => {
    const marker = `edgehub-sandbox-orphan-${mode}-${process.pid}`;
    const started = Date.now();
    const exit = await runSandboxed(settings(mode, { wallSeconds: 1 }), {
      command: "/bin/sh",
      args: ["-c", `sleep 30 ${marker} & sleep 30`],
      jobDir,
    });
    expect(exit.stoppedBy).toBe("wall-clock limit");
    expect(Date.now() - started).toBeLessThan(6_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(spawnSync("pgrep", ["-f", marker]).status).toBe(1); // no process left
  });

  it("stops a child that allocates past the memory cap and names the cap", async () => {
    const exit = await runSandboxed(settings(mode, { memoryMb: 1024 }), {
      command: process.execPath,
      args: ["-e", "const kept = []; for (;;) kept.push(Buffer.alloc(64 * 1024 * 1024, 1));"],
      jobDir,
    });
    expect(exit.code).not.toBe(0);
    expect(exit.stoppedBy).toBe("memory limit");
  });

  it("stops a child at the CPU-time limit", async () => {
    const exit = await runSandboxed(settings(mode, { cpuSeconds: 1 }), {
      command: process.execPath,
      args: ["-e", "for (;;) {}"],
      jobDir,
    });
    expect(exit.stoppedBy).toBe("CPU-time limit");
  });

  it("stops the child and its children when the job is cancelled", async () => {
    const abort = new AbortController();
    const running = runSandboxed(settings(mode), {
      command: "/bin/sh",
      args: ["-c", "sleep 30 & sleep 30"],
      jobDir,
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 300);
    const exit = await running;
    expect(exit.stoppedBy).toBe("cancelled");
  });
});

describe("sandbox settings", () => {
  it("takes bwrap where it works, refuses a bwrap that cannot run, and never passes a secret by name", () => {
    expect(sandboxFromEnv({}, () => true).mode).toBe("bwrap");
    expect(sandboxFromEnv({}, () => false).mode).toBe("plain");
    expect(sandboxFromEnv({ RUNNER_SANDBOX: "plain" }, () => true).mode).toBe("plain");
    expect(() => sandboxFromEnv({ RUNNER_SANDBOX: "bwrap" }, () => false)).toThrow(/bubblewrap/);
    expect(() => sandboxFromEnv({ RUNNER_SANDBOX: "docker" })).toThrow(/auto, bwrap or plain/);
    expect(
      sandboxFromEnv({ SANDBOX_PASS_ENV: "HF_HOME, RUNNER_TOKEN,AWS_SECRET_ACCESS_KEY" }, () => false).passEnv,
    ).toEqual(["HF_HOME"]);
  });
});
