import { closeSync, openSync, readSync } from "node:fs";
import { tarEntries } from "./tar";
import { fileSource, readEntry, zipEntries } from "./zip";

export type ArchiveFormat = "zip" | "tar" | "tgz";

/** What reading one archive may cost; a hostile one fails with the cap's name. */
export interface ArchiveCaps {
  entries: number;
  /** Bytes all the entries read may inflate to together. */
  totalBytes: number;
}

/** An archive that is refused whole: a path leaving its folder, a link, a cap. */
export class HostileArchiveError extends Error {
  readonly code = "INGEST_REFUSED";
}

/** One entry over the size asked for: the entry is skipped and reported, the archive goes on. */
export class EntryTooLargeError extends Error {}

export interface ArchiveFile {
  /** Relative, `/`-separated, without `.` or empty segments. */
  path: string;
  size: number;
  /** The content, refused (EntryTooLargeError) when it is larger than `limit`. */
  read(limit: number): Promise<Buffer>;
}

/** The archive's format by its first bytes (not its name, which the uploader chose). */
export function formatOf(file: string): ArchiveFormat | "ndjson" | undefined {
  const fd = openSync(file, "r");
  const head = Buffer.alloc(512);
  const read = readSync(fd, head, 0, 512, 0);
  closeSync(fd);
  if (read >= 4 && head.readUInt32LE(0) === 0x04034b50) return "zip";
  if (read >= 4 && head.readUInt32LE(0) === 0x06054b50) return "zip";
  if (read >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "tgz";
  if (read >= 262 && head.subarray(257, 262).toString() === "ustar") return "tar";
  if (read >= 1 && head.toString("utf8", 0, read).trimStart().startsWith("{")) return "ndjson";
  return undefined;
}

/**
 * The regular files of an archive, in archive order. Paths are checked before anything is read:
 * an absolute path, a `..` segment or a link refuses the archive whole (nothing is extracted, but
 * an archive built to escape its folder is not one to trust with the rest).
 */
export async function* archiveFiles(
  file: string,
  format: ArchiveFormat,
  caps: ArchiveCaps,
): AsyncGenerator<ArchiveFile> {
  const exceeded = (cap: string, limit: number) =>
    new HostileArchiveError(`the archive exceeds the ingest cap on ${cap} (${limit.toLocaleString("en-US")})`);
  if (format === "zip") {
    const source = fileSource(file);
    let total = 0;
    try {
      const entries = zipEntries(source, {
        entries: caps.entries,
        inflatedBytes: caps.totalBytes,
        exceeded: () => exceeded("entries", caps.entries),
      });
      for (const entry of entries) {
        const path = safePath(entry.name);
        const type = entry.unixMode & 0o170000;
        if (type === 0o120000)
          throw new HostileArchiveError(`the archive holds a link (${entry.name}): links are refused`);
        if (entry.name.endsWith("/") || type === 0o040000) continue;
        yield {
          path,
          size: entry.size,
          async read(limit) {
            if (entry.size > limit) throw tooLarge(path, entry.size, limit);
            const bytes = readEntry(source, entry, {
              entries: caps.entries,
              inflatedBytes: limit,
              exceeded: () => tooLarge(path, entry.size, limit),
            });
            total += bytes.length;
            if (total > caps.totalBytes) throw exceeded("inflated bytes", caps.totalBytes);
            return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          },
        };
      }
    } finally {
      source.close();
    }
    return;
  }
  const tarCaps = {
    entries: caps.entries,
    totalBytes: caps.totalBytes,
    exceeded: (cap: "entries" | "totalBytes", limit: number) =>
      exceeded(cap === "entries" ? "entries" : "inflated bytes", limit),
  };
  for await (const { entry, read } of tarEntries(file, format === "tgz", tarCaps)) {
    const path = safePath(entry.name);
    if (entry.kind === "link")
      throw new HostileArchiveError(`the archive holds a link (${entry.name}): links are refused`);
    if (entry.kind !== "file") continue;
    yield {
      path,
      size: entry.size,
      async read(limit) {
        if (entry.size > limit) throw tooLarge(path, entry.size, limit);
        return read();
      },
    };
  }
}

function tooLarge(path: string, size: number, limit: number): EntryTooLargeError {
  return new EntryTooLargeError(
    `${path}: ${size.toLocaleString("en-US")} bytes is over the ${limit.toLocaleString("en-US")}-byte cap`,
  );
}

/** A clean relative path, or the archive is refused. */
export function safePath(name: string): string {
  const unified = name.replace(/\\/g, "/");
  if (unified.startsWith("/") || /^[a-zA-Z]:/.test(unified))
    throw new HostileArchiveError(`the archive holds an absolute path (${name}): refused`);
  const segments = unified.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes(".."))
    throw new HostileArchiveError(`the archive holds a path that leaves its folder (${name}): refused`);
  if (unified.includes("\0")) throw new HostileArchiveError("the archive holds a path with a NUL byte: refused");
  return segments.join("/");
}
