import type { ImageLabel } from "../../../../src/db/schema";
import type { Split } from "./layout";

export const LINE_PREFIX = "ingest ";

/** What the reader (child.ts) tells the executor, one JSON line each on stdout. */
export type ChildLine =
  | { t: "classes"; classNames: string[]; kptShape: [number, number] | null }
  | { t: "total"; images: number }
  | {
      t: "image";
      hash: string;
      ext: string;
      bytes: number;
      width: number;
      height: number;
      thumbnailBytes: number;
      filename: string;
      originalPath: string;
      split: Split;
      labels: ImageLabel[];
      error: string | null;
    }
  | { t: "skipped"; file: string; error: string }
  /** NDJSON sources: the reader has no network, so it asks the executor for picture `n`'s bytes. */
  | { t: "fetch"; n: number; url: string }
  | { t: "fatal"; error: string; code?: string };

/** The executor's answer to a `fetch`, one JSON line on the reader's stdin: the file is `fetched-<n>`. */
export type FetchReply = { n: number; ok: true } | { n: number; error: string };

export function say(line: ChildLine): void {
  process.stdout.write(`${LINE_PREFIX}${JSON.stringify(line)}\n`);
}
