/**
 * Reads `metadata_props` (ModelProto field 14: key/value string pairs) from ONNX bytes without
 * parsing the graph. ONNX Runtime's Node binding does not expose them; Ultralytics' exporter
 * writes the task, class names, input size and stride there.
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const metadata: Record<string, string> = {};
  const decoder = new TextDecoder();
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= bytes.length) throw new Error("truncated ONNX file");
      const byte = bytes[offset++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) offset += 8;
    else if (wire === 5) offset += 4;
    else if (wire === 2) {
      const length = varint();
      const end = offset + length;
      if (field === 14) {
        const entry = readEntry(bytes.subarray(offset, end), decoder);
        if (entry) metadata[entry.key] = entry.value;
      }
      offset = end;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
  return metadata;
}

function readEntry(bytes: Uint8Array, decoder: TextDecoder): { key: string; value: string } | undefined {
  let offset = 0;
  let key = "";
  let value = "";
  while (offset < bytes.length) {
    const tag = bytes[offset++]!;
    let length = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset++]!;
      length += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    const text = decoder.decode(bytes.subarray(offset, offset + length));
    offset += length;
    if (tag === 0x0a) key = text;
    else if (tag === 0x12) value = text;
  }
  return key ? { key, value } : undefined;
}
