import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

/**
 * Postgres text and jsonb cannot hold U+0000, so a NUL anywhere in a request would fail its
 * query as a 500. Every operation refuses it up front instead, as a validation error naming
 * the field.
 */

/** A `\u0000` escape in JSON text: one preceded by an even number of backslashes. */
const JSON_NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** The dotted path of the first string (or object key) holding a NUL, if any. */
function findNul(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === "string") return value.includes("\0") ? path : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("\0")) return [...path, key.replaceAll("\0", "\\u0000")];
    const found = findNul(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Throws VALIDATION_ERROR when `value` holds a NUL; `target` names where it came from. */
export function assertNulFree(value: unknown, target: "body" | "query" | "param"): void {
  const path = findNul(value);
  if (!path) return;
  const field = path.length ? path.join(".") : target;
  throw new ApiError("VALIDATION_ERROR", `Invalid ${target}: ${field}: must not contain NUL (\\u0000) characters`);
}

/** Checks path params, query values and a JSON body; the body's text is cached for the validator. */
export function nulFree(options: { body: boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (/%00/i.test(c.req.url)) {
      assertNulFree(c.req.param(), "param");
      assertNulFree(c.req.queries(), "query");
    }
    if (options.body && c.req.header("content-type")?.includes("json")) {
      const text = await c.req.text();
      if (JSON_NUL_ESCAPE.test(text)) assertNulFree(parseOrUndefined(text), "body");
    }
    await next();
  };
}

/** Malformed JSON is the validator's to report, with its own message. */
function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
