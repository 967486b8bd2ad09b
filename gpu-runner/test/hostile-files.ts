/**
 * Hostile checkpoints for the inspect parser, made byte by byte: a zip bomb, a pickle whose memo
 * references double at every level, one nested a hundred thousand deep, and a zip writer for them.
 */
import { constants, deflateRawSync } from "node:zlib";

/** A stored-or-deflated zip of the given entries (no ZIP64: test files stay small). */
export function zip(entries: { name: string; data: Uint8Array; deflated?: Uint8Array; size?: number }[]): Uint8Array {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const body = Buffer.from(entry.deflated ?? entry.data);
    const method = entry.deflated ? 8 : 0;
    const size = entry.size ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    directory.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const centralBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, centralBytes, end]));
}

/** A data.pkl that inflates to `megabytes` MB of zeros from a few hundred KB: 1 MB blocks repeated. */
export function zipBomb(megabytes: number): Uint8Array {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_FULL_FLUSH });
  const deflated = Buffer.concat([...Array.from({ length: megabytes }, () => block), Buffer.from([0x03, 0x00])]);
  return zip([{ name: "model/data.pkl", data: new Uint8Array(0), deflated, size: megabytes * 1024 * 1024 }]);
}

const PROTO2 = [0x80, 0x02];
const STOP = 0x2e;
function shortString(text: string): number[] {
  return [0x8c, text.length, ...Buffer.from(text)];
}

/** {"train_args": L60} where L0 = [] and Lk = [Lk-1, Lk-1]: 60 levels, 2^60 paths through memo references. */
export function memoChainPickle(levels = 60): Uint8Array {
  const ops = [...PROTO2, 0x7d, ...shortString("train_args"), 0x5d, 0x71, 0, 0x30]; // EMPTY_LIST BINPUT POP
  for (let k = 1; k <= levels; k++) ops.push(0x28, 0x68, k - 1, 0x68, k - 1, 0x6c, 0x71, k, 0x30); // MARK BINGET BINGET LIST BINPUT POP
  ops.push(0x68, levels, 0x73, STOP); // BINGET SETITEM
  return new Uint8Array(ops);
}

/** {"train_args": [[[[...]]]]} nested `depth` deep: EMPTY_LIST pushed depth times, then APPENDed inward. */
export function deepPickle(depth = 100_000): Uint8Array {
  const ops = [...PROTO2, 0x7d, ...shortString("train_args")];
  for (let k = 0; k < depth; k++) ops.push(0x5d);
  for (let k = 1; k < depth; k++) ops.push(0x61);
  ops.push(0x73, STOP);
  return new Uint8Array(ops);
}

export function checkpointWith(pickle: Uint8Array): Uint8Array {
  return zip([{ name: "model/data.pkl", data: pickle }]);
}
