/**
 * The ingest reader as its own process, started by the ingest executor inside the sandbox. It
 * reads the archive at argv[2] twice, entry by entry: first data.yaml and the label files, then
 * each picture, which it measures, hashes and thumbnails, writing the bytes to argv[3]
 * (`<hash>.<ext>`, `<hash>.webp`) and one line per picture to stdout. Writes to a pipe block when
 * the executor is behind, so at most a few batches of pictures are ever on disk.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { ImageLabel } from "../../../../src/db/schema";
import type { IngestSpec } from "../../../../src/protocol/ingest";
import {
  archiveFiles,
  EntryTooLargeError,
  formatOf,
  HostileArchiveError,
  type ArchiveFormat,
} from "../../archive/entries";
import { INGEST_CAPS } from "./caps";
import {
  baseName,
  classFolderOf,
  extensionOf,
  isImage,
  isJunk,
  isLabelFile,
  labelPathOf,
  mapClasses,
  parseLabelFile,
  readDataYaml,
  splitOf,
  type Split,
} from "./layout";
import { describePicture } from "./pictures";

export const LINE_PREFIX = "ingest ";
/** Pictures decoded at once: one per core (libvips runs one thread each), at most 4 (each may hold 32 MiB). */
const DECODERS = Math.max(1, Math.min(4, availableParallelism()));

/** What the child tells the executor, one JSON line each. */
export type ChildLine =
  | { t: "classes"; classNames: string[]; kptShape: [number, number] | null }
  | { t: "total"; images: number }
  | {
      t: "image";
      hash: string;
      ext: string;
      bytes: number;
      width: number;
      height: number;
      thumbnailBytes: number;
      filename: string;
      originalPath: string;
      split: Split;
      labels: ImageLabel[];
      error: string | null;
    }
  | { t: "skipped"; file: string; error: string }
  | { t: "fatal"; error: string; code?: string };

function say(line: ChildLine): void {
  process.stdout.write(`${LINE_PREFIX}${JSON.stringify(line)}\n`);
}

interface Survey {
  labels: Map<string, string>;
  yaml?: { names?: string[]; kptShape?: [number, number] };
  images: number;
  classFolders: Set<string>;
}

/** Pass 1: the small files (data.yaml, label files) and how many pictures there are. */
async function survey(file: string, format: ArchiveFormat): Promise<Survey> {
  const found: Survey = { labels: new Map(), images: 0, classFolders: new Set() };
  let labelBytes = 0;
  let yamlPath: string | undefined;
  for await (const entry of archiveFiles(file, format, INGEST_CAPS)) {
    if (isJunk(entry.path)) continue;
    if (isImage(entry.path)) {
      found.images++;
      const folder = classFolderOf(entry.path);
      if (folder) found.classFolders.add(folder);
    } else if (/\.ya?ml$/i.test(entry.path) && entry.path.split("/").length <= 2) {
      const preferred = /^data\.ya?ml$/i.test(baseName(entry.path));
      if (yamlPath && !preferred) continue;
      const parsed = readDataYaml((await readSmall(entry, INGEST_CAPS.yamlBytes)).toString("utf8"));
      if (parsed.names || preferred) ((found.yaml = parsed), (yamlPath = entry.path));
    } else if (isLabelFile(entry.path)) {
      const text = (await readSmall(entry, INGEST_CAPS.labelBytes)).toString("utf8");
      labelBytes += text.length;
      if (labelBytes > INGEST_CAPS.allLabelBytes)
        throw new HostileArchiveError(
          `the archive exceeds the ingest cap on label bytes (${INGEST_CAPS.allLabelBytes})`,
        );
      found.labels.set(entry.path, text);
    }
  }
  return found;
}

async function readSmall(entry: { path: string; read(limit: number): Promise<Buffer> }, limit: number) {
  try {
    return await entry.read(limit);
  } catch (error) {
    if (error instanceof EntryTooLargeError) throw new HostileArchiveError(error.message);
    throw error;
  }
}

async function main(file: string, outDir: string, specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as IngestSpec;
  const format = formatOf(file);
  if (!format) throw new HostileArchiveError("not a ZIP, TAR or TAR.GZ archive");
  if (format === "ndjson") throw new HostileArchiveError("NDJSON sources are not read by this runner yet");
  const found = await survey(file, format);
  const classify = spec.task === "classify";
  const archiveClasses = classify ? [...found.classFolders].sort() : found.yaml?.names;
  const mapped = archiveClasses ? mapClasses(spec.classNames, archiveClasses, spec.classMapping) : undefined;
  const classNames = mapped?.classNames ?? spec.classNames;
  const kptShape = spec.kptShape ?? found.yaml?.kptShape ?? null;
  say({ t: "classes", classNames, kptShape });
  say({ t: "total", images: found.images });

  const rules = { task: spec.task, classCount: classNames.length, kptShape };
  const labelled = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const describeOne = async (entryPath: string, bytes: Buffer) => {
    const ext = extensionOf(entryPath);
    const facts = await describePicture(bytes, ext);
    const problems: string[] = facts.error ? [facts.error] : [];
    let labels: ImageLabel[] = [];
    if (classify) {
      const folder = classFolderOf(entryPath);
      const classId = folder && mapped ? mapped.toDataset[archiveClasses!.indexOf(folder)] : undefined;
      if (classId !== undefined && classId !== null) labels = [{ classId }];
    } else {
      const labelPath = labelPathOf(entryPath);
      const text = found.labels.get(labelPath);
      if (text !== undefined) {
        labelled.add(labelPath);
        const parsed = parseLabelFile(text, labelPath, rules, mapped?.toDataset);
        labels = parsed.labels;
        problems.push(...parsed.problems);
      }
    }
    const stored = path.join(outDir, `${facts.hash}.${ext}`);
    if (!existsSync(stored)) writeFileSync(stored, bytes);
    if (facts.thumbnail) writeFileSync(path.join(outDir, `${facts.hash}.webp`), facts.thumbnail);
    say({
      t: "image",
      hash: facts.hash,
      ext,
      bytes: bytes.length,
      width: facts.width,
      height: facts.height,
      thumbnailBytes: facts.thumbnail?.length ?? 0,
      filename: baseName(entryPath),
      originalPath: entryPath,
      split: spec.targetSplit ?? splitOf(entryPath) ?? "train",
      labels,
      error: problems.length ? summary(problems) : null,
    });
  };
  for await (const entry of archiveFiles(file, format, INGEST_CAPS)) {
    if (isJunk(entry.path) || !isImage(entry.path)) continue;
    let bytes: Buffer;
    try {
      bytes = await entry.read(INGEST_CAPS.imageBytes);
    } catch (error) {
      if (!(error instanceof EntryTooLargeError)) throw error;
      say({ t: "skipped", file: entry.path, error: error.message });
      continue;
    }
    // Pictures are read in archive order, and measured and thumbnailed a few at a time.
    while (inFlight.size >= DECODERS) await Promise.race(inFlight);
    const work = describeOne(entry.path, bytes).finally(() => inFlight.delete(work));
    work.catch(() => {}); // its failure is met by the race or the Promise.all below, not left unhandled
    inFlight.add(work);
  }
  await Promise.all(inFlight);
  for (const labelPath of found.labels.keys())
    if (!labelled.has(labelPath)) say({ t: "skipped", file: labelPath, error: "a label file without its image" });
}

function summary(problems: string[]): string {
  const first = problems[0]!.slice(0, 800);
  return problems.length > 1 ? `${first} (and ${problems.length - 1} more)` : first;
}

if (process.argv[4] && import.meta.url === `file://${process.argv[1]}`) {
  const [file, outDir, specFile] = process.argv.slice(2) as [string, string, string];
  main(file, outDir, specFile).catch((error: Error & { code?: string }) => {
    say({ t: "fatal", error: error.message, ...(error instanceof HostileArchiveError ? { code: error.code } : {}) });
    process.exitCode = 1;
  });
}
