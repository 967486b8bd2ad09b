import { existsSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { ImageLabel } from "../../../../src/db/schema";
import type { Split } from "./layout";
import { say } from "./lines";
import { describePicture } from "./pictures";

/** Pictures decoded at once: one per core (libvips runs one thread each), at most 4 (each may hold 32 MiB). */
export const DECODERS = Math.max(1, Math.min(4, availableParallelism()));

/** Where a picture came from and what its source said about it. */
export interface PictureSource {
  ext: string;
  filename: string;
  originalPath: string;
  split: Split;
  labels: ImageLabel[];
  problems: string[];
}

/**
 * Measures, hashes and thumbnails one picture, leaves its bytes in outDir (`<hash>.<ext>`,
 * `<hash>.webp`) for the executor to send, and reports it.
 */
export async function reportPicture(outDir: string, bytes: Buffer, source: PictureSource): Promise<void> {
  const facts = await describePicture(bytes, source.ext);
  const problems = facts.error ? [facts.error, ...source.problems] : source.problems;
  const stored = path.join(outDir, `${facts.hash}.${source.ext}`);
  if (!existsSync(stored)) writeFileSync(stored, bytes);
  if (facts.thumbnail) writeFileSync(path.join(outDir, `${facts.hash}.webp`), facts.thumbnail);
  say({
    t: "image",
    hash: facts.hash,
    ext: source.ext,
    bytes: bytes.length,
    width: facts.width,
    height: facts.height,
    thumbnailBytes: facts.thumbnail?.length ?? 0,
    filename: source.filename,
    originalPath: source.originalPath,
    split: source.split,
    labels: source.labels,
    error: problems.length ? summary(problems) : null,
  });
}

function summary(problems: string[]): string {
  const first = problems[0]!.slice(0, 800);
  return problems.length > 1 ? `${first} (and ${problems.length - 1} more)` : first;
}

/** Runs work a few at a time, in the order given: `run` waits for a free slot, `drain` for the rest. */
export class Pool {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly size: number) {}

  async run(work: () => Promise<void>): Promise<void> {
    while (this.inFlight.size >= this.size) await Promise.race(this.inFlight);
    const running = work().finally(() => this.inFlight.delete(running));
    running.catch(() => {}); // its failure is met by the race or by drain, not left unhandled
    this.inFlight.add(running);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}
