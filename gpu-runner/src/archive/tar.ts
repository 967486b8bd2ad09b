import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";

export interface TarEntry {
  name: string;
  kind: "file" | "directory" | "link" | "other";
  size: number;
}

export interface TarCaps {
  entries: number;
  /** Bytes the whole (decompressed) archive may hold: a gzip bomb stops here. */
  totalBytes: number;
  exceeded(cap: "entries" | "totalBytes", limit: number): Error;
}

const BLOCK = 512;
/** PAX headers and GNU long names are metadata: small, or hostile. */
const MAX_META_BYTES = 64 * 1024;

/** Exact byte counts out of a stream of chunks, without copying what is skipped. */
class Pull {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  consumed = 0;

  constructor(
    private readonly source: AsyncIterator<Buffer>,
    private readonly onConsumed: (total: number) => void,
  ) {}

  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else if (next.value.length) (this.chunks.push(next.value), (this.buffered += next.value.length));
    }
    return this.buffered >= n;
  }

  /** n bytes, or undefined at the end of the stream. */
  async read(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(n))) return undefined;
    const out = Buffer.allocUnsafe(n);
    for (let at = 0; at < n; ) {
      const head = this.chunks[0]!;
      const take = Math.min(head.length, n - at);
      head.copy(out, at, 0, take);
      at += take;
      if (take === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(take);
    }
    this.took(n);
    return out;
  }

  async skip(n: number): Promise<void> {
    while (n > 0) {
      if (!(await this.fill(1))) throw new Error("broken tar archive: it ends inside an entry (truncated?)");
      const head = this.chunks[0]!;
      const take = Math.min(head.length, n);
      if (take === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(take);
      n -= take;
      this.took(take);
    }
  }

  private took(n: number): void {
    this.buffered -= n;
    this.consumed += n;
    this.onConsumed(this.consumed);
  }
}

/**
 * The entries of a tar archive (ustar, PAX and GNU long names; gzip-compressed when `gzip`),
 * streamed from disk: each entry's content is read only when asked (`read`), else skipped, so
 * neither the archive nor an entry is ever held whole unless wanted.
 */
export async function* tarEntries(
  file: string,
  gzip: boolean,
  caps: TarCaps,
): AsyncGenerator<{ entry: TarEntry; read(): Promise<Buffer> }> {
  const raw = createReadStream(file, { highWaterMark: 256 * 1024 });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  const pull = new Pull(stream[Symbol.asyncIterator](), (total) => {
    if (total > caps.totalBytes) throw caps.exceeded("totalBytes", caps.totalBytes);
  });
  let count = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  try {
    for (;;) {
      const header = await pull.read(BLOCK);
      if (!header || header.every((byte) => byte === 0)) return;
      if (!checksumMatches(header))
        throw new Error(count ? "broken tar archive: a header's checksum is wrong" : "not a tar archive");
      const type = String.fromCharCode(header[156]!);
      const declared = sizeOf(header);
      const size = pax.size !== undefined ? Number(pax.size) : declared;
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      if (type === "x" || type === "g" || type === "L" || type === "K") {
        if (size > MAX_META_BYTES) throw new Error("broken tar archive: an oversized metadata header");
        const meta = (await pull.read(padded))!.subarray(0, size);
        if (type === "x") pax = parsePax(meta);
        if (type === "L") longName = meta.toString("utf8").replace(/\0.*$/s, "");
        continue;
      }
      if (++count > caps.entries) throw caps.exceeded("entries", caps.entries);
      const entry: TarEntry = { name: pax.path ?? longName ?? nameOf(header), kind: kindOf(type), size };
      longName = undefined;
      pax = {};
      let consumed = false;
      yield {
        entry,
        async read() {
          if (consumed) throw new Error(`tar entry ${entry.name} was read already`);
          consumed = true;
          const content = (await pull.read(padded)) ?? Buffer.alloc(0);
          if (content.length < padded) throw new Error("broken tar archive: it ends inside an entry (truncated?)");
          return content.subarray(0, size);
        },
      };
      if (!consumed) await pull.skip(padded);
    }
  } finally {
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
}

function field(header: Buffer, offset: number, length: number): string {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? length : end).toString("utf8");
}

function nameOf(header: Buffer): string {
  const name = field(header, 0, 100);
  const ustar = field(header, 257, 5) === "ustar";
  const prefix = ustar ? field(header, 345, 155) : "";
  return prefix ? `${prefix}/${name}` : name;
}

/** Octal, or GNU base-256 for sizes past 8 GiB. */
function sizeOf(header: Buffer): number {
  if (header[124]! & 0x80) {
    let value = 0;
    for (let i = 125; i < 136; i++) value = value * 256 + header[i]!;
    return value;
  }
  const text = field(header, 124, 12).trim();
  return text ? parseInt(text, 8) : 0;
}

function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  const stored = parseInt(field(header, 148, 8).trim(), 8);
  return stored === sum;
}

function kindOf(type: string): TarEntry["kind"] {
  if (type === "0" || type === "\0" || type === "7") return "file";
  if (type === "5") return "directory";
  if (type === "1" || type === "2") return "link";
  return "other";
}

/** PAX records: `<length> <key>=<value>\n`. */
function parsePax(meta: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  for (const line of meta.toString("utf8").split("\n")) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match) records[match[1]!] = match[2]!;
  }
  return records;
}
