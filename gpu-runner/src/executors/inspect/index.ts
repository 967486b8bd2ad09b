import type { Executor } from "../types";
import { readCheckpoint } from "./checkpoint";

/** Reads a .pt checkpoint's metadata (task, classes, size, parameters, training args and metrics). */
export const inspectExecutor: Executor = async ({ claim, api, log }) => {
  const weights = claim.inputs.weights;
  if (!weights) throw new Error("An inspect job needs the weights input");
  const info = readCheckpoint(await api.download(weights.url));
  log(`${weights.name}: ${info.task ?? "unknown task"}, ${info.classNames?.length ?? 0} classes, ${info.parameters ?? 0} parameters, ultralytics ${info.version ?? "?"}`);
  return { result: { ...info } };
};
