/**
 * The standard Ultralytics dataset layouts, read from archive paths: YOLO (`data.yaml`,
 * `images/<split>/x.jpg` beside `labels/<split>/x.txt`) and classification (`<split>/<class>/x.jpg`),
 * with the splits' usual aliases. Pure functions of paths and text: what the child does with them
 * is in child.ts.
 */
import { parse as parseYaml } from "yaml";
import type { ImageLabel } from "../../../../src/db/schema";
import { IMAGE_EXTENSIONS, SPLIT_NAMES } from "../../../../src/protocol/ingest";
import { labelProblem, type LabelRules } from "../../../../src/services/labels";

export type Split = (typeof SPLIT_NAMES)[number];

const SPLIT_ALIASES: Record<string, Split> = {
  train: "train",
  training: "train",
  val: "val",
  valid: "val",
  validation: "val",
  test: "test",
  testing: "test",
};

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

export function isImage(path: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extensionOf(path));
}

/** Files archivers add that are nobody's data (macOS resource forks, Finder and Windows metadata). */
export function isJunk(path: string): boolean {
  return /(^|\/)(__MACOSX|\.DS_Store|Thumbs\.db|desktop\.ini)(\/|$)|(^|\/)\._/.test(path);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The split a path's folders name (the nearest to the file wins), if any. */
export function splitOf(path: string): Split | undefined {
  const folders = path.split("/").slice(0, -1).reverse();
  for (const folder of folders) {
    const split = SPLIT_ALIASES[folder.toLowerCase()];
    if (split) return split;
  }
  return undefined;
}

/** Where YOLO keeps an image's labels: the last `images` folder becomes `labels`, the extension `.txt`. */
export function labelPathOf(imagePath: string): string {
  const segments = imagePath.split("/");
  const at = segments.lastIndexOf("images");
  if (at !== -1 && at < segments.length - 1) segments[at] = "labels";
  const last = segments.length - 1;
  segments[last] = segments[last]!.replace(/\.[^.]*$/, ".txt");
  return segments.join("/");
}

/** A label file YOLO would read: a .txt under a `labels` folder (not a readme or a class list). */
export function isLabelFile(path: string): boolean {
  return extensionOf(path) === "txt" && path.split("/").slice(0, -1).includes("labels");
}

/** A classification picture's class: the folder it sits in (not a split or `images` folder). */
export function classFolderOf(path: string): string | undefined {
  const folders = path.split("/").slice(0, -1);
  const folder = folders[folders.length - 1];
  if (!folder || SPLIT_ALIASES[folder.toLowerCase()] || folder === "images") return undefined;
  return folder;
}

/** What a data.yaml says: its class names (list or index map) and, for pose, kpt_shape. */
export function readDataYaml(text: string): { names?: string[]; kptShape?: [number, number] } {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new Error(`data.yaml does not parse: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!doc || typeof doc !== "object") return {};
  const { names, kpt_shape: shape } = doc as { names?: unknown; kpt_shape?: unknown };
  let list: string[] | undefined;
  if (Array.isArray(names)) list = names.map(String);
  else if (names && typeof names === "object") {
    const entries = Object.entries(names as Record<string, unknown>);
    list = [];
    for (const [key, value] of entries) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= 100_000)
        throw new Error(`data.yaml: names key ${key} is not a class index`);
      list[index] = String(value);
    }
    if (list.some((name) => name === undefined) || list.length !== entries.length)
      throw new Error("data.yaml: names skips class indexes");
  }
  const kptShape =
    Array.isArray(shape) && shape.length === 2 && shape.every((n) => Number.isInteger(n) && n > 0)
      ? ([shape[0], shape[1]] as [number, number])
      : undefined;
  return { ...(list ? { names: list } : {}), ...(kptShape ? { kptShape } : {}) };
}

/**
 * How the archive's classes land in the dataset: `classMapping` first (a dataset class id, a
 * name, or null to drop), then by name; a name the dataset lacks is appended. Answers the
 * dataset's classes afterwards and, per archive class index, the dataset's (null: dropped).
 */
export function mapClasses(
  datasetClasses: string[],
  archiveClasses: string[],
  classMapping: Record<string, number | string | null> | null,
): { classNames: string[]; toDataset: (number | null)[] } {
  const classNames = [...datasetClasses];
  const toDataset = archiveClasses.map((name) => {
    const mapped = classMapping && name in classMapping ? classMapping[name] : name;
    if (mapped === null || mapped === undefined) return null;
    if (typeof mapped === "number") {
      if (mapped >= classNames.length)
        throw new Error(
          `classMapping: ${name} -> ${mapped} is not a class of the dataset (it has ${classNames.length})`,
        );
      return mapped;
    }
    const at = classNames.indexOf(mapped);
    if (at !== -1) return at;
    classNames.push(mapped);
    return classNames.length - 1;
  });
  return { classNames, toDataset };
}

/** The numbers a label line holds for each task, after the class id. */
function labelOf(task: string, values: number[], kptShape: [number, number] | null): ImageLabel | string {
  const pairs = values.length >= 6 && values.length % 2 === 0;
  switch (task) {
    case "detect":
      if (values.length === 4) return { classId: -1, bbox: values as ImageLabel["bbox"] };
      // YOLO reads a polygon in a detection dataset as the box around it.
      if (pairs) return { classId: -1, bbox: boxAround(values) };
      return `a detect label is "class x_center y_center width height", not ${values.length} numbers`;
    case "segment":
      if (pairs) return { classId: -1, segments: values };
      return `a segment label is "class x1 y1 x2 y2 x3 y3 ...", not ${values.length} numbers`;
    case "obb":
      if (values.length === 8) return { classId: -1, obb: values as ImageLabel["obb"] };
      return `an OBB label is "class x1 y1 x2 y2 x3 y3 x4 y4", not ${values.length} numbers`;
    case "pose": {
      const need = kptShape ? 4 + kptShape[0] * kptShape[1] : undefined;
      if (need === undefined) return "pose labels need the dataset's kpt_shape (data.yaml kpt_shape)";
      if (values.length !== need) return `a pose label holds ${need} numbers after the class, not ${values.length}`;
      return { classId: -1, bbox: values.slice(0, 4) as ImageLabel["bbox"], keypoints: values.slice(4) };
    }
    default:
      return `a ${task} dataset has no label files`;
  }
}

function boxAround(points: number[]): [number, number, number, number] {
  const xs = points.filter((_, i) => i % 2 === 0);
  const ys = points.filter((_, i) => i % 2 === 1);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return [(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0];
}

/**
 * A YOLO label file's labels, in the dataset's classes. A line that does not parse, names a
 * class the archive does not have, or falls outside [0, 1] is left out and reported; the rest
 * are kept.
 */
export function parseLabelFile(
  text: string,
  file: string,
  rules: LabelRules & { kptShape: [number, number] | null },
  toDataset: (number | null)[] | undefined,
): { labels: ImageLabel[]; problems: string[] } {
  const labels: ImageLabel[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const where = `${file} line ${index + 1}`;
    const [first, ...rest] = line.split(/\s+/);
    const archiveClass = Number(first);
    const values = rest.map(Number);
    if (!Number.isInteger(archiveClass) || archiveClass < 0 || values.some((v) => !Number.isFinite(v))) {
      problems.push(`${where}: not a label line`);
      continue;
    }
    const parsed = labelOf(rules.task, values, rules.kptShape);
    if (typeof parsed === "string") {
      problems.push(`${where}: ${parsed}`);
      continue;
    }
    const classId = toDataset ? toDataset[archiveClass] : archiveClass;
    if (toDataset && archiveClass >= toDataset.length) {
      problems.push(`${where}: class ${archiveClass} is not one of data.yaml's ${toDataset.length} names`);
      continue;
    }
    if (classId === null || classId === undefined) continue;
    const label = { ...parsed, classId };
    const problem = labelProblem([label], rules);
    if (problem) {
      problems.push(`${where}: ${problem.replace(/^labels\[0\]\./, "")}`);
      continue;
    }
    labels.push(label);
  }
  return { labels, problems };
}
