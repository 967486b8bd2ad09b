/**
 * `npm run runner`: one gpu-runner. Configuration by environment (README "GPU runners"):
 * EDGEHUB_API_URL, RUNNER_TOKEN, QUEUE_PULL_URL, QUEUE_TOKEN, QUEUE_IDS, RUNNER_QUEUES, GPU_TYPE,
 * RUNNER_CONCURRENCY, RUNNER_WORK_DIR, YOLO_BIN. Start more of them to grow the fleet.
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { configFromEnv } from "./config";
import { executorsFor } from "./executors";
import { Runner } from "./runner";

/** YOLO_BIN, or `yolo` on PATH, when it is there. */
export function findYolo(env: NodeJS.ProcessEnv): string | undefined {
  const candidates = env.YOLO_BIN
    ? [env.YOLO_BIN]
    : (env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, "yolo"));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function main() {
  const config = configFromEnv(process.env, findYolo(process.env));
  const { executors, formats } = executorsFor(config);
  const runner = new Runner(config, executors, formats);
  const stop = () => {
    console.log(`[runner ${config.name}] stopping: finishing or handing back running jobs`);
    void runner.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  await runner.start();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(`[runner] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
