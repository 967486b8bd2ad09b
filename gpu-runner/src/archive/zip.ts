import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
/**
 * What reading an archive may cost: how many entries, and how many bytes one entry may inflate
 * to; `exceeded` makes the error its reader reports (naming the cap in its own words).
 */
export interface ZipCaps {
  entries: number;
  inflatedBytes: number;
  exceeded(cap: "entries" | "inflatedBytes", limit: number): Error;
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** What the entry says it inflates to (a hostile archive may lie: reads stay capped). */
  size: number;
  localHeaderOffset: number;
  /** The Unix file mode an archiver on Unix recorded (0 when none): tells symlinks from files. */
  unixMode: number;
}

/** Random access to the archive's bytes: in memory, or a file read piece by piece (never whole). */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** A file on disk; close() when done. */
export function fileSource(file: string): ByteSource & { close(): void } {
  const fd = openSync(file, "r");
  return {
    size: fstatSync(fd).size,
    read(offset, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, this.size - offset)));
      readSync(fd, buffer, 0, buffer.length, offset);
      return buffer;
    },
    close: () => closeSync(fd),
  };
}

/** Reads that run past what the file holds: a truncated or forged archive, said so plainly. */
function checked(source: ByteSource, offset: number, length: number): DataView {
  if (offset < 0 || length < 0 || offset + length > source.size)
    throw new Error("broken zip archive: an offset points past the end of the file (truncated?)");
  const bytes = source.read(offset, length);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The central directory of a zip archive (ZIP64 included): a PyTorch checkpoint, or a dataset. */
export function zipEntries(source: ByteSource, caps: ZipCaps): ZipEntry[] {
  const tailStart = Math.max(0, source.size - 22 - 65_535);
  const tail = checked(source, tailStart, source.size - tailStart);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip archive (no end of central directory)");
  let count = tail.getUint16(eocd + 10, true);
  let offset = tail.getUint32(eocd + 16, true);
  if (offset === 0xffffffff || count === 0xffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.getUint32(locator, true) !== 0x07064b50) throw new Error("broken ZIP64 archive");
    const record = checked(source, Number(tail.getBigUint64(locator + 8, true)), 56);
    count = Number(record.getBigUint64(32, true));
    offset = Number(record.getBigUint64(48, true));
  }
  if (count > caps.entries) throw caps.exceeded("entries", caps.entries);
  const directory = checked(source, offset, tailStart + eocd - offset);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0, at = 0; i < count; i++) {
    if (at + 46 > directory.byteLength || directory.getUint32(at, true) !== 0x02014b50)
      throw new Error("broken zip central directory");
    const method = directory.getUint16(at + 10, true);
    let compressedSize = directory.getUint32(at + 20, true);
    let size = directory.getUint32(at + 24, true);
    const nameLength = directory.getUint16(at + 28, true);
    const extraLength = directory.getUint16(at + 30, true);
    const commentLength = directory.getUint16(at + 32, true);
    let localHeaderOffset = directory.getUint32(at + 42, true);
    const madeOnUnix = directory.getUint8(at + 5) === 3;
    const unixMode = madeOnUnix ? directory.getUint32(at + 38, true) >>> 16 : 0;
    if (at + 46 + nameLength + extraLength > directory.byteLength) throw new Error("broken zip central directory");
    const name = decoder.decode(new Uint8Array(directory.buffer, directory.byteOffset + at + 46, nameLength));
    // ZIP64 extra field: sizes and offset that did not fit in 32 bits, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = directory.getUint16(e, true);
      const fieldSize = directory.getUint16(e + 2, true);
      if (id === 0x0001) {
        let p = e + 4;
        if (size === 0xffffffff) ((size = Number(directory.getBigUint64(p, true))), (p += 8));
        if (compressedSize === 0xffffffff) ((compressedSize = Number(directory.getBigUint64(p, true))), (p += 8));
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(directory.getBigUint64(p, true));
      }
      e += 4 + fieldSize;
    }
    entries.push({ name, method, compressedSize, size, localHeaderOffset, unixMode });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One entry's bytes, inflated up to the cap (a zip bomb stops there). */
export function readEntry(source: ByteSource, entry: ZipEntry, caps: ZipCaps): Uint8Array {
  const header = checked(source, entry.localHeaderOffset, 30);
  if (header.getUint32(0, true) !== 0x04034b50) throw new Error(`broken zip entry ${entry.name}`);
  const start = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  if (entry.method === 0 && entry.compressedSize > caps.inflatedBytes)
    throw caps.exceeded("inflatedBytes", caps.inflatedBytes);
  const data = checked(source, start, entry.compressedSize);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (entry.method === 0) return bytes;
  if (entry.method !== 8) throw new Error(`zip entry ${entry.name} uses compression method ${entry.method}`);
  try {
    return new Uint8Array(inflateRawSync(bytes, { maxOutputLength: caps.inflatedBytes }));
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError)
      throw caps.exceeded("inflatedBytes", caps.inflatedBytes);
    throw new Error(`zip entry ${entry.name} does not inflate: ${(error as Error).message}`);
  }
}
