import type { Context } from "hono";
import { ApiError } from "../../errors";
import { ICON_MAX_BYTES } from "../../services/icons";
import { servedFileHeaders } from "../../storage/served-file";
import { readForm } from "./multipart";

/** The `file` of an icon upload (multipart), refused before parsing when the body is too large. */
export async function iconFileOf(c: Context): Promise<File> {
  const form = await readForm(c, {
    expected: "an icon in a 'file' field",
    maxBytes: ICON_MAX_BYTES + 64 * 1024,
    tooLarge: `Icon must be at most ${ICON_MAX_BYTES} bytes`,
  });
  const file = form.get("file");
  if (typeof file === "string" || !file)
    throw new ApiError("VALIDATION_ERROR", "Invalid body: file: an image file is required");
  return file;
}

/** An icon's bytes as an answer: its own type, never sniffed or run, cached briefly. */
export function iconResponse(object: R2ObjectBody): Response {
  const headers = new Headers({
    "Content-Type": object.httpMetadata?.contentType ?? "application/octet-stream",
    "Cache-Control": "private, max-age=300",
    ETag: object.httpEtag,
  });
  return new Response(object.body, { headers: servedFileHeaders(headers, "inline", "icon") });
}
