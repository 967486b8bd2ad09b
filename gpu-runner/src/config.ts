import os from "node:os";
import path from "node:path";

/** The API's job queues (src/db/tables/jobs.ts JOB_QUEUES). */
export const QUEUE_NAMES = ["gpu-jobs", "cli-jobs", "cpu-jobs", "predict-jobs"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

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
  // Every runner predicts and inspects; cli-jobs (CPU exports) need the yolo CLI; gpu-jobs
  // (training, TensorRT) need a GPU and the CLI. A runner never pulls a queue it cannot serve.
  const defaultQueues: QueueName[] = ["predict-jobs", "cpu-jobs", ...(yoloBin ? (["cli-jobs"] as const) : []), ...(gpuType && yoloBin ? (["gpu-jobs"] as const) : [])];
  const queues = (list(env.RUNNER_QUEUES).length ? list(env.RUNNER_QUEUES) : defaultQueues) as QueueName[];
  for (const queue of queues) if (!QUEUE_NAMES.includes(queue)) throw new Error(`RUNNER_QUEUES: unknown queue ${queue}`);
  if (queues.includes("gpu-jobs") && !gpuType) throw new Error("RUNNER_QUEUES has gpu-jobs but GPU_TYPE is not set");
  if (!yoloBin && queues.some((queue) => queue === "gpu-jobs" || queue === "cli-jobs")) throw new Error("RUNNER_QUEUES has cli-jobs or gpu-jobs, whose jobs need the yolo CLI: put it on PATH or set YOLO_BIN");
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
  };
}
