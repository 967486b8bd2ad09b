/**
 * `npm run build:wasm`: assembles the runner's WebAssembly text (letterbox.wat) into the binary
 * the runner loads (letterbox.wasm, committed beside it). A test checks that the two agree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import wabt from "wabt";

export const LETTERBOX_WAT = fileURLToPath(new URL("../src/executors/predict/letterbox.wat", import.meta.url));

export async function assembleWat(file: string): Promise<Uint8Array> {
  const module = (await wabt()).parseWat(file, readFileSync(file, "utf8"), { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const binary = await assembleWat(LETTERBOX_WAT);
  const target = LETTERBOX_WAT.replace(/\.wat$/, ".wasm");
  writeFileSync(target, binary);
  console.log(`${target}: ${binary.length} bytes`);
}
