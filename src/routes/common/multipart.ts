import type { Context } from "hono";
import { ApiError } from "../../errors";

/**
 * A multipart body's form, for the routes that take files: 415 when the body is not multipart, 413 when
 * its Content-Length passes `maxBytes` (before anything is read), 400 when it does not parse.
 * `expected` names what the form should hold, for the 415's message.
 */
export async function readForm(
  c: Context,
  options: { expected: string; maxBytes?: number; tooLarge?: string },
): Promise<FormData> {
  if (!(c.req.header("content-type") ?? "").startsWith("multipart/form-data"))
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Send multipart/form-data with ${options.expected}`);
  const length = Number(c.req.header("content-length") ?? 0);
  if (options.maxBytes !== undefined && length > options.maxBytes)
    throw new ApiError("PAYLOAD_TOO_LARGE", options.tooLarge ?? `The body is at most ${options.maxBytes} bytes`);
  try {
    return await c.req.raw.formData();
  } catch {
    throw new ApiError("VALIDATION_ERROR", "Malformed multipart body");
  }
}

/** A form's text fields (its files left out), for validating with a zod schema. */
export function textFields(form: FormData, except: string[] = []): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of form.entries())
    if (typeof value === "string" && !except.includes(key)) fields[key] = value;
  return fields;
}
