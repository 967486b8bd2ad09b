import path from "node:path";
import type { Executor } from "./types";
import { runYolo } from "./yolo-cli";

interface TrainSpec {
  args: Record<string, string | number | boolean>;
  project: string;
  name: string;
}

/** Arguments the job may not set: where the run writes and which device it uses are the runner's. */
const RESERVED = new Set(["project", "name", "device", "exist_ok", "resume", "save_dir"]);

/** The spec's arguments as `key=value` words, booleans as Python's True/False. */
export function trainArguments(spec: TrainSpec, gpu: boolean, resumeFrom?: string): string[] {
  if (resumeFrom) return ["train", "resume", `model=${resumeFrom}`];
  const words = Object.entries(spec.args)
    .filter(([key]) => !RESERVED.has(key))
    .map(([key, value]) => `${key}=${typeof value === "boolean" ? (value ? "True" : "False") : String(value)}`);
  return [
    "train",
    ...words,
    `project=${spec.project}`,
    `name=${spec.name}`,
    `device=${gpu ? "0" : "cpu"}`,
    "exist_ok=True",
  ];
}

/**
 * `yolo train` in the sandbox, with network, pointed at the API with the job's own key: the
 * package's callbacks carry metrics, console and checkpoints, so nothing is uploaded here. A
 * redelivered job resumes from the last.pt the previous attempt uploaded. Cancelling stops the
 * process (SIGTERM, then SIGKILL after the sandbox's grace).
 */
export const trainExecutor: Executor = async (context) => {
  const { claim, api, workDir, config } = context;
  const spec = claim.job.spec as unknown as TrainSpec;
  if (!claim.env?.ULTRALYTICS_API_KEY) throw new Error("A train job's claim carries its API key");
  let resumeFrom: string | undefined;
  if (claim.inputs.resume) {
    resumeFrom = path.join(workDir, "last.pt");
    await api.downloadToFile(claim.inputs.resume.url, resumeFrom, claim.inputs.resume.size);
  }
  const gpu = Boolean(config.gpuType && config.gpuType !== "cpu");
  const started = performance.now();
  await runYolo(context, trainArguments(spec, gpu, resumeFrom), () => {}, { env: claim.env, network: true });
  return { result: { exitCode: 0 }, gpuSeconds: Math.ceil((performance.now() - started) / 1000) };
};
