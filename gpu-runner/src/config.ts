import os from "node:os";
import path from "node:path";
import { bwrapWorks, type SandboxSettings } from "./sandbox";

import { JOB_QUEUES, type JobQueue } from "../../src/protocol/jobs";

/** The API's job queues, from the protocol both sides share. */
export const QUEUE_NAMES = JOB_QUEUES;
export type QueueName = JobQueue;

/** Everything a runner is told, from its environment (see the README's "GPU runners"). */
export interface RunnerConfig {
  name: string;
  apiUrl: string;
  runnerToken: string;
  /** Cloudflare: https://api.cloudflare.com/client/v4/accounts/<account>/queues; locally the API's /internal/queues. */
  queuePullUrl: string;
  queueToken: string;
  /** Queue name -> the id the pull API knows it by (Cloudflare's queue ids; locally the names). */
  queueIds: Record<QueueName, string>;
  queues: QueueName[];
  gpuType?: string;
  concurrency: number;
  workDir: string;
  /** The Ultralytics CLI, when this machine has it (export and train jobs need it). */
  yoloBin?: string;
  visibilityTimeoutMs: number;
  pollIntervalMs: number;
  shutdownGraceMs: number;
  /** How executors that touch user files are confined (README "Sandbox"). */
  sandbox: SandboxSettings;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not ${raw}`);
  return value;
}

/** RUNNER_SANDBOX: bwrap, plain, or auto (bwrap where it works here, else plain). */
export function sandboxFromEnv(env: NodeJS.ProcessEnv, probe: () => boolean = bwrapWorks): SandboxSettings {
  const wanted = env.RUNNER_SANDBOX || "auto";
  if (!["auto", "bwrap", "plain"].includes(wanted))
    throw new Error(`RUNNER_SANDBOX must be auto, bwrap or plain, not ${wanted}`);
  const works = wanted === "plain" ? false : probe();
  if (wanted === "bwrap" && !works)
    throw new Error(
      "RUNNER_SANDBOX=bwrap, but bubblewrap cannot make namespaces here (install bubblewrap, or allow user namespaces)",
    );
  const uid = env.SANDBOX_UID ? positive(env, "SANDBOX_UID", 0) : undefined;
  return {
    mode: works ? "bwrap" : "plain",
    memoryMb: positive(env, "SANDBOX_MEMORY_MB", 16_384),
    cpuSeconds: positive(env, "SANDBOX_CPU_SECONDS", 4 * 3600),
    wallSeconds: positive(env, "SANDBOX_WALL_SECONDS", 2 * 3600),
    fileMb: positive(env, "SANDBOX_FILE_MB", 20_480),
    passEnv: list(env.SANDBOX_PASS_ENV).filter((name) => !/TOKEN|SECRET|KEY|PASSWORD/i.test(name)),
    uid,
    gid: env.SANDBOX_GID ? positive(env, "SANDBOX_GID", 0) : uid,
  };
}

export function configFromEnv(
  env: NodeJS.ProcessEnv,
  yoloBin: string | undefined,
  probe?: () => boolean,
): RunnerConfig {
  const apiUrl = (env.EDGEHUB_API_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
  const runnerToken = env.RUNNER_TOKEN;
  if (!runnerToken) throw new Error("RUNNER_TOKEN is required (the API's RUNNER_TOKEN secret)");
  const gpuType = env.GPU_TYPE || undefined;
  // Every runner predicts and inspects; cli-jobs (CPU exports) need the yolo CLI; gpu-jobs
  // (training, TensorRT) need a GPU and the CLI. A runner never pulls a queue it cannot serve.
  const defaultQueues: QueueName[] = [
    "predict-jobs",
    "cpu-jobs",
    ...(yoloBin ? (["cli-jobs"] as const) : []),
    ...(gpuType && yoloBin ? (["gpu-jobs"] as const) : []),
  ];
  const queues = (list(env.RUNNER_QUEUES).length ? list(env.RUNNER_QUEUES) : defaultQueues) as QueueName[];
  for (const queue of queues)
    if (!QUEUE_NAMES.includes(queue)) throw new Error(`RUNNER_QUEUES: unknown queue ${queue}`);
  if (queues.includes("gpu-jobs") && !gpuType) throw new Error("RUNNER_QUEUES has gpu-jobs but GPU_TYPE is not set");
  if (!yoloBin && queues.some((queue) => queue === "gpu-jobs" || queue === "cli-jobs"))
    throw new Error(
      "RUNNER_QUEUES has cli-jobs or gpu-jobs, whose jobs need the yolo CLI: put it on PATH or set YOLO_BIN",
    );
  const ids = Object.fromEntries(list(env.QUEUE_IDS).map((pair) => pair.split("=") as [string, string]));
  return {
    name: env.RUNNER_NAME ?? os.hostname(),
    apiUrl,
    runnerToken,
    queuePullUrl: (env.QUEUE_PULL_URL ?? `${apiUrl}/internal/queues`).replace(/\/$/, ""),
    queueToken: env.QUEUE_TOKEN ?? runnerToken,
    queueIds: Object.fromEntries(QUEUE_NAMES.map((queue) => [queue, ids[queue] ?? queue])) as Record<QueueName, string>,
    queues,
    gpuType,
    concurrency: Math.max(1, Number(env.RUNNER_CONCURRENCY ?? 1)),
    workDir: env.RUNNER_WORK_DIR ?? path.join(os.tmpdir(), "edgehub-runner"),
    yoloBin,
    visibilityTimeoutMs: Number(env.QUEUE_VISIBILITY_TIMEOUT_MS ?? 15 * 60 * 1000),
    pollIntervalMs: Number(env.RUNNER_POLL_MS ?? 1000),
    shutdownGraceMs: Number(env.RUNNER_SHUTDOWN_GRACE_MS ?? 30_000),
    sandbox: sandboxFromEnv(env, probe),
  };
}
