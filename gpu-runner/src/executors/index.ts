import type { RunnerConfig } from "../config";
import { ingestExecutor } from "./ingest";
import { inspectExecutor } from "./inspect";
import { trainExecutor } from "./train";
import { ndjsonExecutor } from "./ndjson";
import { predictExecutor } from "./predict";
import type { Executor } from "./types";
import { CPU_EXPORT_FORMATS, exportExecutor } from "./yolo-cli";

/** What this machine can run: predict, inspect, ingest and NDJSON builds everywhere; exports only with the yolo CLI (engine only on a GPU). */
export function executorsFor(config: RunnerConfig): {
  executors: Partial<Record<string, Executor>>;
  formats: string[];
} {
  const executors: Partial<Record<string, Executor>> = {
    predict: predictExecutor,
    inspect: inspectExecutor,
    ingest: ingestExecutor,
    ndjson: ndjsonExecutor,
  };
  if (!config.yoloBin) return { executors, formats: [] };
  executors.export = exportExecutor;
  const gpu = config.gpuType && config.gpuType !== "cpu";
  // Training needs a GPU type to offer (GPU_TYPE=cpu trains on the CPU, a laptop's runner).
  if (config.gpuType) executors.train = trainExecutor;
  return { executors, formats: [...CPU_EXPORT_FORMATS, ...(gpu ? ["engine"] : [])] };
}
