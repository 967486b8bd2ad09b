/**
 * Writes a tiny ONNX model whose outputs are fixed tensors, with Ultralytics-style metadata: a
 * stand-in for a trained pose, OBB or segment export (none is among the fixtures), so the predictor's
 * whole path (ONNX Runtime, metadata, decode, mapping back) runs on a known raw output.
 * Protobuf by hand (ModelProto -> GraphProto, an Identity of a raw float32 initializer).
 */
function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push(value % 0x80 | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return bytes;
}

const encoder = new TextEncoder();
type Field = number[];
const int = (field: number, value: number): Field => [...varint(field * 8), ...varint(value)];
const bytes = (field: number, value: Uint8Array | number[]): Field => [
  ...varint(field * 8 + 2),
  ...varint(value.length),
  ...value,
];
const str = (field: number, value: string) => bytes(field, [...encoder.encode(value)]);
const msg = (field: number, ...parts: Field[]) => bytes(field, parts.flat());

/** A float32 tensor value info: name and static shape. */
function valueInfo(field: number, name: string, shape: number[]): Field {
  const dims = shape.map((d) => msg(1, int(1, d)));
  return msg(field, str(1, name), msg(2, msg(1, int(1, 1), msg(2, ...dims))));
}

/** Outputs after output0 (a segment model's prototypes as output1). */
interface ExtraOutput {
  output: Float32Array;
  shape: number[];
}

export function constantOutputModel(options: {
  imgsz: number;
  output: Float32Array;
  outputShape: number[];
  metadata: Record<string, string>;
  more?: ExtraOutput[];
}): Uint8Array {
  const outputs = [{ output: options.output, shape: options.outputShape }, ...(options.more ?? [])];
  const parts = outputs.map(({ output, shape }, i) => {
    const raw = new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
    return {
      initializer: msg(5, ...shape.map((d) => int(1, d)), int(2, 1), str(8, `fixed${i}`), bytes(9, raw)),
      node: msg(1, str(1, `fixed${i}`), str(2, `output${i}`), str(3, `identity${i}`), str(4, "Identity")),
      info: valueInfo(12, `output${i}`, shape),
    };
  });
  const graph = msg(
    7,
    ...parts.map((p) => p.node),
    str(2, "fixed-output"),
    ...parts.map((p) => p.initializer),
    valueInfo(11, "images", [1, 3, options.imgsz, options.imgsz]),
    ...parts.map((p) => p.info),
  );
  const metadata = Object.entries(options.metadata).map(([key, value]) => msg(14, str(1, key), str(2, value)));
  return new Uint8Array([...int(1, 8), ...msg(8, str(1, ""), int(2, 17)), ...graph, ...metadata.flat()]);
}
