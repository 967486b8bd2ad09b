/**
 * A picture as a predict request brings it: a multipart `file`, a base64 `source` (with or without
 * a data: prefix), or a `source` URL, which is only recorded here and fetched by the predict
 * service through the guarded fetch once the caller and the model are checked.
 */
import { ApiError } from "../errors";
import type { PredictRequest } from "./predict";

const IMAGE_TYPES = /^image\/(jpeg|png|webp|bmp|tiff|gif)$/;
const VIDEO = /^video\/|\.(mp4|mov|avi|mkv|webm|m4v)$/i;

/** The picture from `file` or base64 `source`, or the URL to fetch it from once the model is found. */
export async function pictureFromForm(form: FormData, source: string | undefined): Promise<PredictRequest["image"]> {
  const file = form.get("file") as File | string | null;
  if (file && typeof file === "object") {
    if (VIDEO.test(file.type) || VIDEO.test(file.name))
      throw new ApiError("VALIDATION_ERROR", "Video prediction is not supported yet: send a picture");
    if (file.type && file.type !== "application/octet-stream" && !IMAGE_TYPES.test(file.type))
      throw new ApiError(
        "UNSUPPORTED_MEDIA_TYPE",
        `file must be a picture (JPG, PNG, WebP, BMP, TIFF), not ${file.type}`,
      );
    if (file.size === 0) throw new ApiError("VALIDATION_ERROR", "Invalid form: file: empty");
    return { data: file, name: safeName(file.name), contentType: file.type || "application/octet-stream" };
  }
  if (!source) throw new ApiError("VALIDATION_ERROR", "Invalid form: file: a picture file (or source) is required");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return { url: source };
  const base64 = source.replace(/^data:[\w/+.-]+;base64,/, "");
  if (!/^[A-Za-z0-9+/=\s]+$/.test(base64))
    throw new ApiError("VALIDATION_ERROR", "Invalid form: source: must be an http(s) URL or base64");
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64.replace(/\s/g, "")), (char) => char.charCodeAt(0));
  } catch {
    throw new ApiError("VALIDATION_ERROR", "Invalid form: source: not valid base64");
  }
  if (!bytes.length) throw new ApiError("VALIDATION_ERROR", "Invalid form: source: empty");
  return { data: new Blob([bytes]), name: "source", contentType: "application/octet-stream" };
}

/** A file name safe to use in an object key: letters, digits, '.', '_' and '-', 100 at most. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100) || "picture";
}
