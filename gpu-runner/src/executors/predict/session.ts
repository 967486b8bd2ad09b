import * as ort from "onnxruntime-node";
import { readOnnxMetadata } from "./onnx-metadata";
import { parseKptShape } from "./pose";

export interface ModelInfo {
  inputName: string;
  outputName: string;
  /** Segment models: the mask prototypes' output, [1, nm, mh, mw]. */
  prototypeName?: string;
  /** Square input size of a static-shape model (640 for the usual export). */
  imgsz: number;
  task: string;
  names: string[];
  /** Pose models: keypoints per box and values per keypoint (metadata kpt_shape). */
  kptShape?: [number, number];
}

/**
 * An ONNX Runtime session on the best execution provider present: TensorRT or CUDA on a GPU
 * runner, CPU otherwise. Reads the class names, task and input size Ultralytics' exporter wrote
 * into the model's metadata.
 */
export async function openSession(
  bytes: Uint8Array,
  providers: string[] = preferredProviders(),
): Promise<{ session: ort.InferenceSession; info: ModelInfo; provider: string }> {
  let lastError: unknown;
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: [provider],
        graphOptimizationLevel: "all",
      });
      return { session, info: modelInfo(session, readOnnxMetadata(bytes)), provider };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error("No ONNX Runtime execution provider could load the model");
}

/** ORT_PROVIDERS (for example "tensorrt,cuda,cpu") wins; a runner with a GPU_TYPE tries CUDA first. */
export function preferredProviders(): string[] {
  const fromEnv = process.env.ORT_PROVIDERS?.split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (fromEnv?.length) return fromEnv;
  return process.env.GPU_TYPE && process.env.GPU_TYPE !== "cpu" ? ["cuda", "cpu"] : ["cpu"];
}

function modelInfo(session: ort.InferenceSession, metadata: Record<string, string>): ModelInfo {
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  const dims = (session.inputMetadata?.[0] as { shape?: (number | string)[] } | undefined)?.shape;
  const fromShape = typeof dims?.[2] === "number" ? dims[2] : undefined;
  const imgsz = parseImgsz(metadata.imgsz) ?? fromShape ?? 640;
  const kptShape = parseKptShape(metadata.kpt_shape);
  const prototypeName = session.outputNames[1];
  return {
    inputName,
    outputName,
    imgsz,
    task: metadata.task ?? "detect",
    names: parseNames(metadata.names),
    ...(kptShape ? { kptShape } : {}),
    ...(prototypeName ? { prototypeName } : {}),
  };
}

/** `names` is a Python dict literal: {0: 'red_rectangle', 1: "it's"}. */
export function parseNames(literal: string | undefined): string[] {
  if (!literal) return [];
  const names: string[] = [];
  for (const match of literal.matchAll(/(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g)) {
    names[Number(match[1])] = (match[2] ?? match[3] ?? "").replace(/\\(.)/g, "$1");
  }
  return names;
}

function parseImgsz(literal: string | undefined): number | undefined {
  const numbers = literal?.match(/\d+/g)?.map(Number);
  return numbers?.length ? Math.max(...numbers) : undefined;
}
