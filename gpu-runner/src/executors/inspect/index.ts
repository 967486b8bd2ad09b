import { createRequire } from "node:module";
import path from "node:path";
import { describeStop, runSandboxed, type SandboxSettings } from "../../sandbox";
import type { Executor } from "../types";
import type { CheckpointInfo } from "./checkpoint";
import { RESULT_PREFIX } from "./child";

const CHILD = path.join(import.meta.dirname, "child.ts");
const RUNNER_ROOT = path.resolve(import.meta.dirname, "../../..");
const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
/** Where tsx and its esbuild live: the child reads them, nothing else of the checkout. */
const NODE_MODULES = TSX_CLI.slice(0, TSX_CLI.lastIndexOf("/node_modules/") + "/node_modules".length);

/**
 * The parser's own limits, tighter than a CLI job's: it reads metadata, it trains nothing. Its
 * memory is capped by V8's heap limit and the inflated-bytes cap, not by RLIMIT_AS: Node reserves
 * gigabytes of address space for WebAssembly (tsx's lexer) that it never uses.
 */
export function inspectLimits(settings: SandboxSettings): SandboxSettings & { heapMb: number } {
  return {
    ...settings,
    heapMb: 512,
    memoryMb: 0,
    cpuSeconds: Math.min(settings.cpuSeconds, 120),
    wallSeconds: Math.min(settings.wallSeconds, 180),
    fileMb: 1,
  };
}

/**
 * Reads a .pt checkpoint's metadata (task, classes, size, parameters, training args and metrics)
 * in a sandboxed child with a heap cap and the parser's caps (caps.ts): a hostile file fails its
 * own job with an error naming the cap.
 */
export const inspectExecutor: Executor = async ({ claim, api, log, workDir, config, signal }) => {
  const weights = claim.inputs.weights;
  if (!weights) throw new Error("An inspect job needs the weights input");
  const file = path.join(workDir, "checkpoint.pt");
  await api.downloadToFile(weights.url, file, weights.size);
  const limits = inspectLimits(config.sandbox);
  const exit = await runSandboxed(limits, {
    command: process.execPath,
    args: [TSX_CLI, CHILD, file],
    jobDir: workDir,
    env: { NODE_OPTIONS: `--max-old-space-size=${limits.heapMb}` },
    readOnly: [RUNNER_ROOT, NODE_MODULES],
    signal,
  });
  const answer = parseAnswer(exit.lines);
  if (answer?.info) {
    const info = answer.info;
    log(
      `${weights.name}: ${info.task ?? "unknown task"}, ${info.classNames?.length ?? 0} classes, ${info.parameters ?? 0} parameters, ultralytics ${info.version ?? "?"}`,
    );
    return { result: { ...info } };
  }
  const reason =
    answer?.error ??
    describeStop(limits, exit) ??
    heapExhausted(exit.lines, limits.heapMb) ??
    `the parser exited with ${exit.signal ?? `code ${exit.code}`}`;
  throw Object.assign(new Error(`could not read ${weights.name}: ${reason}`), {
    code: answer?.code ?? "INSPECT_FAILED",
  });
};

function parseAnswer(lines: string[]): { info?: CheckpointInfo; error?: string; code?: string } | undefined {
  const line = lines.findLast((candidate) => candidate.startsWith(RESULT_PREFIX));
  return line ? JSON.parse(line.slice(RESULT_PREFIX.length)) : undefined;
}

function heapExhausted(lines: string[], heapMb: number): string | undefined {
  return lines.some((line) => /heap out of memory|Allocation failed/i.test(line))
    ? `ran out of memory under the parser's heap cap (${heapMb} MB)`
    : undefined;
}
