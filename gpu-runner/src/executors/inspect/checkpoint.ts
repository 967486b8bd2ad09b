import { unpickle, type PyObject, type TensorStub } from "./pickle";
import { readEntry, zipEntries } from "./zip";

/** What EdgeHub reads out of an Ultralytics checkpoint (the model's metadata fields). */
export interface CheckpointInfo {
  task?: string;
  classNames?: string[];
  imgsz?: number;
  parameters?: number;
  architecture?: string;
  trainArgs?: Record<string, unknown>;
  metrics?: Record<string, number>;
  trainResults?: { epoch: number; metrics: Record<string, number> }[];
  bestEpoch?: number;
  bestFitness?: number;
  version?: string;
  date?: string;
}

const TASK_OF_CLASS: Record<string, string> = {
  DetectionModel: "detect",
  SegmentationModel: "segment",
  PoseModel: "pose",
  OBBModel: "obb",
  ClassificationModel: "classify",
  WorldModel: "detect",
  RTDETRDetectionModel: "detect",
};

/** Python values as JSON: dicts (Maps) to objects, tensors and objects left out. */
function plain(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Uint8Array) return undefined;
  if (value && typeof value === "object") return undefined;
  return value;
}

function stateOf(object: unknown): Map<unknown, unknown> | undefined {
  const state = (object as PyObject | undefined)?.state;
  return state instanceof Map ? state : undefined;
}

function countParameters(root: unknown): number {
  const seen = new Set<unknown>();
  let total = 0;
  const visit = (value: unknown) => {
    if (!value || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if ((value as TensorStub).__tensor__) {
      if ((value as TensorStub).parameter) total += (value as TensorStub).size.reduce((a, b) => a * b, 1);
      return;
    }
    if (value instanceof Map) for (const item of value.values()) visit(item);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if ("__class__" in value) {
      visit((value as PyObject).state);
      visit((value as PyObject).args);
    }
  };
  visit(root);
  return total;
}

function numbers(value: unknown): Record<string, number> | undefined {
  if (!(value instanceof Map)) return undefined;
  const out: Record<string, number> = {};
  for (const [key, item] of value) if (typeof item === "number" && Number.isFinite(item)) out[String(key)] = item;
  return out;
}

/** Reads a .pt checkpoint's metadata without Python: the zip, then data.pkl with a safe unpickler. */
export function readCheckpoint(bytes: Uint8Array): CheckpointInfo {
  const entries = zipEntries(bytes);
  const pickle = entries.find((entry) => entry.name.endsWith("/data.pkl") || entry.name === "data.pkl");
  if (!pickle) throw new Error("not a PyTorch checkpoint: no data.pkl inside");
  const root = unpickle(readEntry(bytes, pickle));
  if (!(root instanceof Map)) throw new Error("not an Ultralytics checkpoint: the top level is not a dict");

  const model = root.get("model") ?? root.get("ema");
  const modelClass = (model as PyObject | undefined)?.__class__?.split(".").pop() ?? "";
  const modelState = stateOf(model);
  const trainArgs = plain(root.get("train_args")) as Record<string, unknown> | undefined;
  const yaml = plain(modelState?.get("yaml")) as Record<string, unknown> | undefined;
  const names = modelState?.get("names");
  const classNames = names instanceof Map ? [...names].sort(([a], [b]) => Number(a) - Number(b)).map(([, name]) => String(name)) : Array.isArray(names) ? names.map(String) : undefined;

  const results = root.get("train_results");
  let trainResults: CheckpointInfo["trainResults"];
  let bestEpoch: number | undefined;
  if (results instanceof Map && Array.isArray(results.get("epoch"))) {
    const epochs = results.get("epoch") as number[];
    trainResults = epochs.map((epoch, row) => {
      const metrics: Record<string, number> = {};
      for (const [column, values] of results) {
        if (column === "epoch" || column === "time" || !Array.isArray(values)) continue;
        const value = values[row];
        if (typeof value === "number" && Number.isFinite(value)) metrics[String(column)] = value;
      }
      return { epoch: Math.round(epoch), metrics };
    });
    const fitness = (row: { metrics: Record<string, number> }) => row.metrics["metrics/mAP50-95(B)"] ?? row.metrics["metrics/accuracy_top1"] ?? -Infinity;
    bestEpoch = trainResults.reduce((best, row) => (fitness(row) > fitness(best) ? row : best), trainResults[0]!)?.epoch;
  }
  const metrics = numbers(root.get("train_metrics"));
  const imgsz = trainArgs?.imgsz ?? (modelState && (plain(modelState.get("args")) as Record<string, unknown> | undefined)?.imgsz);
  const yamlFile = typeof yaml?.yaml_file === "string" ? yaml.yaml_file : typeof trainArgs?.model === "string" ? trainArgs.model : undefined;
  return {
    task: (typeof trainArgs?.task === "string" ? trainArgs.task : undefined) ?? TASK_OF_CLASS[modelClass],
    classNames,
    imgsz: typeof imgsz === "number" ? imgsz : Array.isArray(imgsz) ? Math.max(...(imgsz as number[])) : undefined,
    parameters: countParameters(model) || undefined,
    architecture: yamlFile?.replace(/\.(ya?ml|pt)$/, ""),
    trainArgs,
    metrics,
    trainResults,
    bestEpoch,
    bestFitness: metrics?.fitness,
    version: typeof root.get("version") === "string" ? (root.get("version") as string) : undefined,
    date: typeof root.get("date") === "string" ? `${root.get("date")}Z`.replace(/(\.\d{3})\d*Z$/, "$1Z") : undefined,
  };
}
