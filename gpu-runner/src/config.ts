import os from "node:os";
import path from "node:path";

export type QueueName = "gpu-jobs" | "cpu-jobs" | "predict-jobs";

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
}

function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter(Boolean);
}

export function configFromEnv(env: NodeJS.ProcessEnv, yoloBin: string | undefined): RunnerConfig {
  const apiUrl = (env.EDGEHUB_API_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
  const runnerToken = env.RUNNER_TOKEN;
  if (!runnerToken) throw new Error("RUNNER_TOKEN is required (the API's RUNNER_TOKEN secret)");
  const gpuType = env.GPU_TYPE || undefined;
  // Every runner predicts and inspects; gpu-jobs (training, TensorRT) need a GPU and the yolo CLI.
  // A runner leaves queued work it cannot run (a CPU export without the CLI) to another runner.
  const defaultQueues: QueueName[] = ["predict-jobs", "cpu-jobs", ...(gpuType && yoloBin ? (["gpu-jobs"] as const) : [])];
  const queues = (list(env.RUNNER_QUEUES).length ? list(env.RUNNER_QUEUES) : defaultQueues) as QueueName[];
  for (const queue of queues) if (!["gpu-jobs", "cpu-jobs", "predict-jobs"].includes(queue)) throw new Error(`RUNNER_QUEUES: unknown queue ${queue}`);
  if (queues.includes("gpu-jobs") && !gpuType) throw new Error("RUNNER_QUEUES has gpu-jobs but GPU_TYPE is not set");
  const ids = Object.fromEntries(list(env.QUEUE_IDS).map((pair) => pair.split("=") as [string, string]));
  return {
    name: env.RUNNER_NAME ?? os.hostname(),
    apiUrl,
    runnerToken,
    queuePullUrl: (env.QUEUE_PULL_URL ?? `${apiUrl}/internal/queues`).replace(/\/$/, ""),
    queueToken: env.QUEUE_TOKEN ?? runnerToken,
    queueIds: { "gpu-jobs": ids["gpu-jobs"] ?? "gpu-jobs", "cpu-jobs": ids["cpu-jobs"] ?? "cpu-jobs", "predict-jobs": ids["predict-jobs"] ?? "predict-jobs" },
    queues,
    gpuType,
    concurrency: Math.max(1, Number(env.RUNNER_CONCURRENCY ?? 1)),
    workDir: env.RUNNER_WORK_DIR ?? path.join(os.tmpdir(), "edgehub-runner"),
    yoloBin,
    visibilityTimeoutMs: Number(env.QUEUE_VISIBILITY_TIMEOUT_MS ?? 15 * 60 * 1000),
    pollIntervalMs: Number(env.RUNNER_POLL_MS ?? 1000),
    shutdownGraceMs: Number(env.RUNNER_SHUTDOWN_GRACE_MS ?? 30_000),
  };
}
