import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { describeStop, runSandboxed } from "../sandbox";
import type { Executor, JobContext } from "./types";
import { zipFolder } from "./zip-folder";

/** Formats this runner exports with the CLI; engine only where there is a GPU (TensorRT). */
export const CPU_EXPORT_FORMATS = [
  "onnx",
  "torchscript",
  "openvino",
  "coreml",
  "tflite",
  "litert",
  "saved_model",
  "pb",
  "paddle",
  "ncnn",
  "mnn",
  "tfjs",
  "edgetpu",
  "rknn",
  "imx",
  "executorch",
];

/** Platform export args -> `yolo export` key=value arguments. */
export function exportArguments(format: string, args: Record<string, unknown>, gpu: boolean): string[] {
  const out = [`format=${format === "litert" ? "tflite" : format}`];
  const quantize = String(args.quantize ?? "");
  if (args.half === true || ["16", "fp16", "w16a16"].includes(quantize)) out.push("half=True");
  if (args.int8 === true || ["8", "int8", "w8a8", "w8a16", "w8a32"].includes(quantize)) out.push("int8=True");
  for (const key of [
    "imgsz",
    "dynamic",
    "simplify",
    "opset",
    "batch",
    "workspace",
    "nms",
    "optimize",
    "keras",
    "name",
    "conf",
    "iou",
  ]) {
    const value = args[key];
    if (value === undefined || value === null) continue;
    out.push(`${key}=${typeof value === "boolean" ? (value ? "True" : "False") : String(value)}`);
  }
  out.push(`device=${gpu ? "0" : "cpu"}`);
  return out;
}

/**
 * Runs the CLI in the sandbox (src/sandbox.ts: it loads the user's checkpoint, which may carry
 * code), streaming its lines to the job's log; stops it, with its process group, on cancel.
 */
export async function runYolo(
  context: JobContext,
  args: string[],
  onLine: (line: string) => void = () => {},
  options: { env?: Record<string, string>; network?: boolean } = {},
): Promise<string[]> {
  const bin = context.config.yoloBin;
  if (!bin) throw new Error("This runner has no yolo CLI (set YOLO_BIN or put yolo on PATH)");
  const settings = context.config.sandbox;
  const exit = await runSandboxed(settings, {
    command: bin,
    args,
    jobDir: context.workDir,
    signal: context.signal,
    ...options,
    onLine: (line) => {
      context.log(line);
      onLine(line);
    },
  });
  if (exit.code === 0 && !exit.stoppedBy) return exit.lines;
  const stopped = describeStop(settings, exit);
  const last = exit.lines.filter((line) => /error|exception/i.test(line)).pop() ?? exit.lines.at(-1) ?? "";
  const how = stopped ?? `exited with ${exit.signal ?? `code ${exit.code}`}`;
  throw Object.assign(new Error(`yolo ${args[0]} ${how}${last ? `: ${last}` : ""}`), {
    code: exit.stoppedBy && exit.stoppedBy !== "cancelled" ? "SANDBOX_LIMIT" : "EXECUTOR_EXIT",
  });
}

/** `yolo export`: the weights in, the exported file (a folder is zipped) out. */
export const exportExecutor: Executor = async (context) => {
  const { claim, api, workDir } = context;
  const spec = claim.job.spec as { format: string; args?: Record<string, unknown> };
  const weights = claim.inputs.weights;
  if (!weights) throw new Error("An export job needs the weights input");
  const local = path.join(workDir, weights.name.replace(/[^A-Za-z0-9._-]/g, "_"));
  await api.downloadToFile(weights.url, local, weights.size);
  const started = performance.now();
  const lines = await runYolo(
    context,
    ["export", `model=${local}`, ...exportArguments(spec.format, spec.args ?? {}, Boolean(claim.job.gpuType))],
    (line) => {
      if (/starting export/i.test(line)) void context.progress({ stage: "exporting", line }).catch(() => {});
    },
  );
  const saved = lines
    .map((line) => /export success.*saved as '([^']+)'/i.exec(line)?.[1])
    .filter(Boolean)
    .pop();
  if (!saved) throw new Error("yolo export finished without saying where it saved the file");
  const produced = path.resolve(workDir, saved);
  if (!existsSync(produced)) throw new Error(`yolo export said it saved ${saved}, but there is no such file`);
  // The CLI's output is the user's code speaking: upload nothing from outside the job's folder.
  if (!isInside(workDir, realpathSync(produced)))
    throw new Error(`yolo export said it saved ${saved}, outside the job's folder`);
  let file = produced.replace(/\/$/, "");
  if (statSync(file).isDirectory()) {
    zipFolder(file, `${file}.zip`);
    file = `${file}.zip`;
  }
  const output = await context.uploadOutput(path.basename(file), file);
  return {
    outputs: [output],
    result: { format: spec.format },
    gpuSeconds: claim.job.gpuType ? Math.ceil((performance.now() - started) / 1000) : undefined,
  };
};

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(realpathSync(folder), file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}
