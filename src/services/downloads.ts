import type { Deps } from "../context";
import { ApiError } from "../errors";

/** `bytes=a-b`, `bytes=a-` and `bytes=-n`; a single range only. */
export function parseRange(header: string | undefined): R2Range | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === ""))
    throw new ApiError("RANGE_NOT_SATISFIABLE", `Unsupported Range: ${header}`);
  const [, start, end] = match;
  if (start === "") return { suffix: Number(end) };
  if (end === "") return { offset: Number(start) };
  if (Number(end) < Number(start)) throw new ApiError("RANGE_NOT_SATISFIABLE", `Unsupported Range: ${header}`);
  return { offset: Number(start), length: Number(end) - Number(start) + 1 };
}

/**
 * The object a signed download URL names, ranged and conditional per the request headers.
 * A range starting past the end is a 416 (which needs the size first, hence the head).
 */
export async function openDownload(deps: Deps, key: string, headers: Headers): Promise<R2Object | R2ObjectBody> {
  const range = parseRange(headers.get("range") ?? undefined);
  if (range) {
    const head = await deps.bucket.head(key);
    if (!head) throw new ApiError("NOT_FOUND", "File not found");
    const offset = "suffix" in range ? Math.max(0, head.size - range.suffix) : (range.offset ?? 0);
    if (offset >= head.size)
      throw new ApiError("RANGE_NOT_SATISFIABLE", `Range starts beyond the file's ${head.size} bytes`, {
        "Content-Range": `bytes */${head.size}`,
      });
  }
  const object = await deps.bucket.get(key, { range, onlyIf: headers });
  if (!object) throw new ApiError("NOT_FOUND", "File not found");
  return object;
}
