/**
 * What one checkpoint may cost the inspect parser. A file over a cap fails its job with an error
 * naming the cap (the runner goes on with other work); honest checkpoints stay far below them
 * (the fixture: 1 entry read, 0.6 MB inflated, ~60,000 pickle operations, ~30,000 nodes).
 */
export interface InspectCaps {
  /** Zip entries in the central directory. */
  entries: number;
  /** Bytes data.pkl may inflate to. */
  inflatedBytes: number;
  /** Pickle opcodes executed. */
  pickleOps: number;
  /** Values visited when the pickle's objects are turned into JSON or counted. */
  objectNodes: number;
  /** How deeply values may nest. */
  depth: number;
}

export const INSPECT_CAPS: InspectCaps = {
  entries: 100_000,
  inflatedBytes: 64 * 1024 * 1024,
  pickleOps: 20_000_000,
  objectNodes: 2_000_000,
  depth: 200,
};

/** A file over one of the caps: permanent (a retry would fail the same way). */
export class CapExceededError extends Error {
  readonly code = "INSPECT_CAP";
  constructor(cap: keyof InspectCaps, limit: number) {
    super(`the checkpoint exceeds the inspect cap on ${CAP_NAMES[cap]} (${limit.toLocaleString("en-US")})`);
  }
}

const CAP_NAMES: Record<keyof InspectCaps, string> = {
  entries: "zip entries",
  inflatedBytes: "inflated bytes",
  pickleOps: "pickle operations",
  objectNodes: "object nodes",
  depth: "nesting depth",
};
