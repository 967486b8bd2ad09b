import { CapExceededError, INSPECT_CAPS, type InspectCaps } from "./caps";
import { unpickle, type PyObject, type TensorStub } from "./pickle";
import { bytesSource, readEntry, zipEntries, type ByteSource } from "../../archive/zip";

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

/**
 * Counts values visited against the caps: a pickle may share one list many times over (memo
 * references), which a plain walk would expand exponentially, or nest it thousands deep.
 */
class Budget {
  private nodes = 0;
  constructor(private readonly caps: InspectCaps) {}

  visit(depth: number): void {
    if (++this.nodes > this.caps.objectNodes) throw new CapExceededError("objectNodes", this.caps.objectNodes);
    if (depth > this.caps.depth) throw new CapExceededError("depth", this.caps.depth);
  }
}

/** Python values as JSON: dicts (Maps) to objects, tensors and objects left out. */
function plain(value: unknown, budget: Budget, depth = 0): unknown {
  budget.visit(depth);
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v, budget, depth + 1)]));
  if (Array.isArray(value)) return value.map((item) => plain(item, budget, depth + 1));
  if (value instanceof Uint8Array) return undefined;
  if (value && typeof value === "object") return undefined;
  return value;
}

function stateOf(object: unknown): Map<unknown, unknown> | undefined {
  const state = (object as PyObject | undefined)?.state;
  return state instanceof Map ? state : undefined;
}

function countParameters(root: unknown, budget: Budget): number {
  const seen = new Set<unknown>();
  let total = 0;
  // Iterative: a deep pickle must hit the depth cap, not the call stack.
  const pending: [unknown, number][] = [[root, 0]];
  while (pending.length) {
    const [value, depth] = pending.pop()!;
    if (!value || typeof value !== "object" || seen.has(value)) continue;
    seen.add(value);
    budget.visit(depth);
    if ((value as TensorStub).__tensor__) {
      if ((value as TensorStub).parameter) total += (value as TensorStub).size.reduce((a, b) => a * b, 1);
      continue;
    }
    if (value instanceof Map) for (const item of value.values()) pending.push([item, depth + 1]);
    else if (Array.isArray(value)) for (const item of value) pending.push([item, depth + 1]);
    else if ("__class__" in value)
      pending.push([(value as PyObject).state, depth + 1], [(value as PyObject).args, depth + 1]);
  }
  return total;
}

function numbers(value: unknown): Record<string, number> | undefined {
  if (!(value instanceof Map)) return undefined;
  const out: Record<string, number> = {};
  for (const [key, item] of value) if (typeof item === "number" && Number.isFinite(item)) out[String(key)] = item;
  return out;
}

/** Reads a .pt checkpoint's metadata without Python: the zip, then data.pkl with a safe unpickler. */
export function readCheckpoint(input: Uint8Array | ByteSource, caps: InspectCaps = INSPECT_CAPS): CheckpointInfo {
  const source = input instanceof Uint8Array ? bytesSource(input) : input;
  const zipCaps = { ...caps, exceeded: (cap: keyof InspectCaps, limit: number) => new CapExceededError(cap, limit) };
  const entries = zipEntries(source, zipCaps);
  const pickle = entries.find((entry) => entry.name.endsWith("/data.pkl") || entry.name === "data.pkl");
  if (!pickle) throw new Error("not a PyTorch checkpoint: no data.pkl inside");
  const root = unpickle(readEntry(source, pickle, zipCaps), caps);
  const budget = new Budget(caps);
  const json = (value: unknown) => plain(value, budget);
  if (!(root instanceof Map)) throw new Error("not an Ultralytics checkpoint: the top level is not a dict");

  const model = root.get("model") ?? root.get("ema");
  const modelClass = (model as PyObject | undefined)?.__class__?.split(".").pop() ?? "";
  const modelState = stateOf(model);
  const trainArgs = json(root.get("train_args")) as Record<string, unknown> | undefined;
  const yaml = json(modelState?.get("yaml")) as Record<string, unknown> | undefined;
  const names = modelState?.get("names");
  const classNames =
    names instanceof Map
      ? [...names].sort(([a], [b]) => Number(a) - Number(b)).map(([, name]) => String(name))
      : Array.isArray(names)
        ? names.map(String)
        : undefined;

  const results = root.get("train_results");
  let trainResults: CheckpointInfo["trainResults"];
  let bestEpoch: number | undefined;
  if (results instanceof Map && Array.isArray(results.get("epoch"))) {
    const epochs = results.get("epoch") as number[];
    trainResults = epochs.map((epoch, row) => {
      const metrics: Record<string, number> = {};
      for (const [column, values] of results) {
        if (column === "epoch" || column === "time" || !Array.isArray(values)) continue;
        budget.visit(1);
        const value = values[row];
        if (typeof value === "number" && Number.isFinite(value)) metrics[String(column)] = value;
      }
      return { epoch: Math.round(epoch), metrics };
    });
    const fitness = (row: { metrics: Record<string, number> }) =>
      row.metrics["metrics/mAP50-95(B)"] ?? row.metrics["metrics/accuracy_top1"] ?? -Infinity;
    bestEpoch = trainResults.reduce(
      (best, row) => (fitness(row) > fitness(best) ? row : best),
      trainResults[0]!,
    )?.epoch;
  }
  const metrics = numbers(root.get("train_metrics"));
  const imgsz =
    trainArgs?.imgsz ?? (modelState && (json(modelState.get("args")) as Record<string, unknown> | undefined)?.imgsz);
  const yamlFile =
    typeof yaml?.yaml_file === "string"
      ? yaml.yaml_file
      : typeof trainArgs?.model === "string"
        ? trainArgs.model
        : undefined;
  return {
    task: (typeof trainArgs?.task === "string" ? trainArgs.task : undefined) ?? TASK_OF_CLASS[modelClass],
    classNames,
    imgsz: typeof imgsz === "number" ? imgsz : Array.isArray(imgsz) ? Math.max(...(imgsz as number[])) : undefined,
    parameters: countParameters(model, budget) || undefined,
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
