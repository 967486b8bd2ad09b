import type { RunnerConfig } from "../config";
import { ingestExecutor } from "./ingest";
import { inspectExecutor } from "./inspect";
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
  return { executors, formats: [...CPU_EXPORT_FORMATS, ...(config.gpuType ? ["engine"] : [])] };
}
