/** Small archive writers for tests: zip (stored or deflated, with Unix modes) and ustar (optionally gzipped). */
import { crc32, deflateRawSync, gzipSync } from "node:zlib";

export interface ArchiveItem {
  name: string;
  data?: Buffer | string;
  /** Unix mode bits, for links (0o120777) and the like. */
  mode?: number;
  /** tar type flag: "0" file, "2" symlink, "5" directory. */
  type?: string;
  /** A zip entry that claims this size in its directory (a lying archive). */
  claimedSize?: number;
  deflate?: boolean;
}

export function zipOf(items: ArchiveItem[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const item of items) {
    const data = Buffer.from(item.data ?? "");
    const body = item.deflate ? deflateRawSync(data) : data;
    const name = Buffer.from(item.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(item.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(item.claimedSize ?? data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(item.mode ? 0x0314 : 20, 4); // made by Unix when a mode is given
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(item.deflate ? 8 : 0, 10);
    entry.writeUInt32LE(crc32(data), 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(item.claimedSize ?? data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(((item.mode ?? 0) << 16) >>> 0, 38);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, name, body);
    central.push(entry, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(items.length, 8);
  end.writeUInt16LE(items.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

/** A zip whose ZIP64 end record claims `count` entries (and holds none): the entries cap's test. */
export function zipClaiming(count: number): Buffer {
  const lead = Buffer.alloc(30);
  lead.writeUInt32LE(0x04034b50, 0);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(0n, 40);
  record.writeBigUInt64LE(30n, 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(30n, 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([lead, record, locator, end]);
}

export function tarOf(items: ArchiveItem[], gzip = false): Buffer {
  const blocks: Buffer[] = [];
  for (const item of items) {
    const data = Buffer.from(item.data ?? "");
    const header = Buffer.alloc(512);
    header.write(item.name.slice(0, 100), 0);
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
    header.write("00000000000\0", 136);
    header.write(item.type ?? "0", 156);
    if (item.type === "2") header.write("/etc/passwd", 157);
    header.write("ustar\0", 257);
    header.write("00", 263);
    header.fill(" ", 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return gzip ? gzipSync(tar) : tar;
}
