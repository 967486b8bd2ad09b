/**
 * The ingest reader as its own process, started by the ingest executor inside the sandbox. It
 * reads the archive at argv[2] twice, entry by entry: first data.yaml and the label files, then
 * each picture, which it measures, hashes and thumbnails, writing the bytes to argv[3]
 * (`<hash>.<ext>`, `<hash>.webp`) and one line per picture to stdout. Writes to a pipe block when
 * the executor is behind, so at most a few batches of pictures are ever on disk. An NDJSON
 * source is read by ndjson.ts instead.
 */
import { readFileSync } from "node:fs";
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
} from "./layout";
import { say } from "./lines";
import { readNdjson } from "./ndjson";
import { DECODERS, Pool, reportPicture, type PictureSource } from "./picture-out";

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
  if (format === "ndjson") return readNdjson(file, outDir, spec);
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
  const pool = new Pool(DECODERS);
  const sourceOf = (entryPath: string): PictureSource => {
    const source: PictureSource = {
      ext: extensionOf(entryPath),
      filename: baseName(entryPath),
      originalPath: entryPath,
      split: spec.targetSplit ?? splitOf(entryPath) ?? "train",
      labels: [],
      problems: [],
    };
    if (classify) {
      const folder = classFolderOf(entryPath);
      const classId = folder && mapped ? mapped.toDataset[archiveClasses!.indexOf(folder)] : undefined;
      if (classId !== undefined && classId !== null) source.labels = [{ classId }];
      return source;
    }
    const labelPath = labelPathOf(entryPath);
    const text = found.labels.get(labelPath);
    if (text !== undefined) {
      labelled.add(labelPath);
      const parsed = parseLabelFile(text, labelPath, rules, mapped?.toDataset);
      source.labels = parsed.labels;
      source.problems = parsed.problems;
    }
    return source;
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
    await pool.run(() => reportPicture(outDir, bytes, sourceOf(entry.path)));
  }
  await pool.drain();
  for (const labelPath of found.labels.keys())
    if (!labelled.has(labelPath)) say({ t: "skipped", file: labelPath, error: "a label file without its image" });
}

if (process.argv[4] && import.meta.url === `file://${process.argv[1]}`) {
  const [file, outDir, specFile] = process.argv.slice(2) as [string, string, string];
  main(file, outDir, specFile).catch((error: Error & { code?: string }) => {
    say({ t: "fatal", error: error.message, ...(error instanceof HostileArchiveError ? { code: error.code } : {}) });
    process.exitCode = 1;
  });
}
