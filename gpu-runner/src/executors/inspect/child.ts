/**
 * The inspect parser as its own process, started by the inspect executor inside the sandbox: it
 * reads the checkpoint at argv[2] piece by piece and prints one line, `{"info": ...}` or
 * `{"error": ...}`. Whatever a hostile file does to it (a cap, the heap limit, a crash), the
 * runner and its other jobs go on.
 */
import { readCheckpoint } from "./checkpoint";
import { fileSource } from "../../archive/zip";

export const RESULT_PREFIX = "inspect-result ";

function main(file: string): void {
  const source = fileSource(file);
  try {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ info: readCheckpoint(source) })}\n`);
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ error: message, code })}\n`);
    process.exitCode = 1;
  } finally {
    source.close();
  }
}

if (process.argv[2] && import.meta.url === `file://${process.argv[1]}`) main(process.argv[2]);
