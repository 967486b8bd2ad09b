import { createWriteStream } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { NdjsonSpec } from "../../../src/protocol/ndjson";
import type { Executor } from "./types";

/**
 * Writes a large dataset's NDJSON: pages of lines from the API, appended to a file as they come
 * (never held whole), then uploaded as the job's one output (in parts when large). The API
 * publishes it when the job completes. Nothing here reads a user's file.
 */
export const ndjsonExecutor: Executor = async ({ claim, api, workDir, signal, progress, uploadOutput }) => {
  const spec = NdjsonSpec.parse(claim.job.spec);
  const file = path.join(workDir, spec.name);
  const out = createWriteStream(file);
  let written = 0;
  try {
    for (let after: string | null = ""; after !== null; ) {
      signal.throwIfAborted();
      const page = await api.ndjsonPage(claim, after);
      if (!out.write(page.text)) await once(out, "drain");
      written += page.images;
      after = page.next;
      await progress({ phase: "writing", images: spec.images, written });
    }
  } finally {
    out.end();
    await once(out, "close");
  }
  const output = await uploadOutput(spec.name, file, "application/x-ndjson");
  return { outputs: [output], result: { images: written, bytes: output.size } };
};
