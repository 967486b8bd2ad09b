/**
 * A safe subset of Python's unpickler, enough for PyTorch checkpoints: it builds plain values
 * (dicts, lists, numbers, strings) and stands in for every class with an inert description
 * ({__class__, args, state}), so nothing from the file is ever executed.
 */
export interface PyGlobal {
  __global__: string;
}

export interface PyObject {
  __class__: string;
  args: unknown[];
  state?: unknown;
}

export interface TensorStub {
  __tensor__: true;
  size: number[];
  parameter: boolean;
}

import { CapExceededError, INSPECT_CAPS, type InspectCaps } from "./caps";

const MARK = Symbol("mark");

function reduce(callable: unknown, args: unknown[]): unknown {
  const name = (callable as PyGlobal).__global__;
  switch (name) {
    case "collections.OrderedDict":
    case "builtins.dict":
    case "__builtin__.dict":
      return new Map(Array.isArray(args[0]) ? (args[0] as [unknown, unknown][]) : []);
    case "builtins.set":
    case "__builtin__.set":
    case "builtins.frozenset":
    case "__builtin__.frozenset":
      return Array.isArray(args[0]) ? [...(args[0] as unknown[])] : [];
    case "torch._utils._rebuild_tensor_v2":
    case "torch._utils._rebuild_tensor":
      return {
        __tensor__: true,
        size: Array.isArray(args[2]) ? (args[2] as number[]) : [],
        parameter: false,
      } satisfies TensorStub;
    case "torch._utils._rebuild_parameter":
    case "torch._utils._rebuild_parameter_with_state":
      return { ...(args[0] as TensorStub), parameter: true };
    case "torch.Size":
      return Array.isArray(args[0]) ? args[0] : [];
    default:
      return { __class__: name, args } satisfies PyObject;
  }
}

/** Unpickles within the caps; a file that ends mid-opcode is "broken", not a crash. */
export function unpickle(bytes: Uint8Array, caps: InspectCaps = INSPECT_CAPS): unknown {
  try {
    return run(bytes, caps);
  } catch (error) {
    if (error instanceof RangeError) throw new Error("pickle: broken data (an operation reads past the end)");
    throw error;
  }
}

function run(bytes: Uint8Array, caps: InspectCaps): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let i = 0;
  const popMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new Error("pickle: no mark");
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const readLine = (): string => {
    const end = bytes.indexOf(0x0a, i);
    if (end < 0) throw new RangeError("no newline");
    const line = decoder.decode(bytes.subarray(i, end));
    i = end + 1;
    return line;
  };
  const text = (length: number): string => {
    if (i + length > bytes.length) throw new RangeError("past the end");
    const value = decoder.decode(bytes.subarray(i, i + length));
    i += length;
    return value;
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw new Error("pickle: SETITEMS on a non-dict");
    for (let k = 0; k < items.length; k += 2) target.set(items[k], items[k + 1]);
  };
  const top = () => stack[stack.length - 1];

  let ops = 0;
  while (i < bytes.length) {
    if (++ops > caps.pickleOps) throw new CapExceededError("pickleOps", caps.pickleOps);
    const op = bytes[i++]!;
    switch (op) {
      case 0x80:
        i++;
        break; // PROTO
      case 0x95:
        i += 8;
        break; // FRAME
      case 0x2e:
        return stack.pop(); // STOP
      case 0x28:
        stack.push(MARK);
        break;
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x29:
        stack.push([]);
        break; // EMPTY_TUPLE
      case 0x8f:
        stack.push([]);
        break; // EMPTY_SET
      case 0x4e:
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4a:
        stack.push(view.getInt32(i, true));
        i += 4;
        break; // BININT
      case 0x4b:
        stack.push(bytes[i]!);
        i += 1;
        break; // BININT1
      case 0x4d:
        stack.push(view.getUint16(i, true));
        i += 2;
        break; // BININT2
      case 0x8a: {
        // LONG1
        const n = bytes[i++]!;
        let value = 0n;
        for (let k = n - 1; k >= 0; k--) value = (value << 8n) | BigInt(bytes[i + k]!);
        if (n && bytes[i + n - 1]! & 0x80) value -= 1n << BigInt(8 * n);
        i += n;
        stack.push(Number(value));
        break;
      }
      case 0x47:
        stack.push(view.getFloat64(i, false));
        i += 8;
        break; // BINFLOAT
      case 0x49: {
        const line = readLine();
        stack.push(line === "01" ? true : line === "00" ? false : Number(line));
        break;
      } // INT
      case 0x4c:
        stack.push(Number(readLine().replace(/L$/, "")));
        break; // LONG
      case 0x46:
        stack.push(Number(readLine()));
        break; // FLOAT
      case 0x8c: {
        const n = bytes[i++]!;
        stack.push(text(n));
        break;
      } // SHORT_BINUNICODE
      case 0x58: {
        const n = view.getUint32(i, true);
        i += 4;
        stack.push(text(n));
        break;
      } // BINUNICODE
      case 0x8d: {
        const n = Number(view.getBigUint64(i, true));
        i += 8;
        stack.push(text(n));
        break;
      } // BINUNICODE8
      case 0x55: {
        const n = bytes[i++]!;
        stack.push(text(n));
        break;
      } // SHORT_BINSTRING
      case 0x54: {
        const n = view.getInt32(i, true);
        i += 4;
        stack.push(text(n));
        break;
      } // BINSTRING
      case 0x43: {
        const n = bytes[i++]!;
        stack.push(bytes.slice(i, i + n));
        i += n;
        break;
      } // SHORT_BINBYTES
      case 0x42: {
        const n = view.getUint32(i, true);
        i += 4;
        stack.push(bytes.slice(i, i + n));
        i += n;
        break;
      } // BINBYTES
      case 0x56:
        stack.push(readLine());
        break; // UNICODE
      case 0x53:
        stack.push(readLine().replace(/^'|'$/g, ""));
        break; // STRING
      case 0x74:
        stack.push(popMark());
        break; // TUPLE
      case 0x85:
        stack.push([stack.pop()]);
        break; // TUPLE1
      case 0x86: {
        const b = stack.pop();
        const a = stack.pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        const c = stack.pop();
        const b = stack.pop();
        const a = stack.pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x6c:
        stack.push(popMark());
        break; // LIST
      case 0x64: {
        const items = popMark();
        const map = new Map();
        setItems(map, items);
        stack.push(map);
        break;
      } // DICT
      case 0x61: {
        const value = stack.pop();
        (top() as unknown[]).push(value);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        (top() as unknown[]).push(...items);
        break;
      } // APPENDS
      case 0x90: {
        const items = popMark();
        (top() as unknown[]).push(...items);
        break;
      } // ADDITEMS
      case 0x91:
        stack.push(popMark());
        break; // FROZENSET
      case 0x73: {
        const value = stack.pop();
        const key = stack.pop();
        setItems(top(), [key, value]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      } // SETITEMS
      case 0x71:
        memo.set(bytes[i++]!, top());
        break; // BINPUT
      case 0x72:
        memo.set(view.getUint32(i, true), top());
        i += 4;
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
        stack.push(memo.get(bytes[i++]!));
        break; // BINGET
      case 0x6a:
        stack.push(memo.get(view.getUint32(i, true)));
        i += 4;
        break; // LONG_BINGET
      case 0x63: {
        const module = readLine();
        const name = readLine();
        stack.push({ __global__: `${module}.${name}` } satisfies PyGlobal);
        break;
      } // GLOBAL
      case 0x93: {
        const name = stack.pop() as string;
        const module = stack.pop() as string;
        stack.push({ __global__: `${module}.${name}` });
        break;
      } // STACK_GLOBAL
      case 0x52: {
        const args = stack.pop() as unknown[];
        const callable = stack.pop();
        stack.push(reduce(callable, args));
        break;
      } // REDUCE
      case 0x81: {
        const args = stack.pop() as unknown[];
        const cls = stack.pop();
        stack.push(reduce(cls, args));
        break;
      } // NEWOBJ
      case 0x92: {
        stack.pop();
        const args = stack.pop() as unknown[];
        const cls = stack.pop();
        stack.push(reduce(cls, args));
        break;
      } // NEWOBJ_EX
      case 0x62: {
        // BUILD
        const state = stack.pop();
        const target = top();
        if (target && typeof target === "object" && "__class__" in target) (target as PyObject).state = state;
        break;
      }
      case 0x51: {
        const pid = stack.pop() as unknown[];
        stack.push({ __storage__: pid?.[2] });
        break;
      } // BINPERSID
      case 0x30:
        stack.pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(top());
        break; // DUP
      default:
        throw new Error(`pickle: unsupported opcode 0x${op.toString(16)} at ${i - 1}`);
    }
  }
  throw new Error("pickle: no STOP");
}
