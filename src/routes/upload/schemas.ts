import { z } from "@hono/zod-openapi";
import { ASSET_TYPES } from "../../db/schema";
import { Timestamp } from "../common/schemas";

/** The contract's per-type filename rules; all filenames are single path segments. */
const ARCHIVE = /(?:\.zip|\.tar\.gz|\.tgz|\.tar|\.ndjson)$/i;
const IMAGE = /\.(?:jpe?g|png|webp|bmp|tiff?|gif|heic|avif)$/i;
const VIDEO = /\.(?:mp4|mov|avi|mkv|webm|m4v)$/i;

export const FILENAME_RULES = {
  datasets: {
    pattern: ARCHIVE,
    message: "dataset files must end in .zip, .tar, .tar.gz, .tgz or .ndjson (package loose images into an archive)",
  },
  images: { pattern: IMAGE, message: "image files must be JPG, PNG, WebP, BMP, TIFF, GIF, HEIC or AVIF" },
  videos: { pattern: VIDEO, message: "video files must be MP4, MOV, AVI, MKV, WebM or M4V" },
  models: { pattern: /./, message: "" },
} as const;

const CONTENT_TYPE_RULES = {
  datasets:
    /^(?:application\/(?:zip|x-zip-compressed|x-tar|gzip|x-gzip|x-compressed-tar|x-ndjson|octet-stream)|text\/plain)$/,
  images: /^image\/[\w.+-]+$/,
  videos: /^video\/[\w.+-]+$/,
  models: /^[\w.+-]+\/[\w.+-]+$/,
} as const;

export const SignedUrlRequest = z
  .object({
    assetType: z.enum(ASSET_TYPES).openapi({ description: "models, datasets, images or videos" }),
    assetId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9_.-]+$/, "must be letters, digits, '_', '.' or '-'")
      .openapi({ description: "ID of the target asset", example: "mdl_0123456789abcdefghij" }),
    filename: z
      .string()
      .min(1)
      .max(256)
      .regex(
        /^(?!\.{1,2}$)[^/\\\u0000-\u001f\u007f]+$/,
        "must be a plain file name without slashes or control characters",
      )
      .openapi({ example: "best.pt" }),
    contentType: z
      .string()
      .min(1)
      .max(50)
      .openapi({ description: "File MIME type", example: "application/octet-stream" }),
    totalBytes: z.number().int().positive().openapi({ description: "File size in bytes", example: 1048576 }),
  })
  .superRefine((body, ctx) => {
    const rule = FILENAME_RULES[body.assetType];
    if (!rule.pattern.test(body.filename)) ctx.addIssue({ code: "custom", path: ["filename"], message: rule.message });
    if (!CONTENT_TYPE_RULES[body.assetType].test(body.contentType)) {
      ctx.addIssue({
        code: "custom",
        path: ["contentType"],
        message: `${body.contentType} is not accepted for ${body.assetType}`,
      });
    }
  })
  .openapi("SignedUrlRequest");

export const SignedUrlResponse = z
  .object({
    sessionId: z.string(),
    uploadUrl: z
      .string()
      .openapi({ description: "PUT the bytes here, no auth header (the first part's URL for multipart)" }),
    expiresAt: Timestamp,
    partSize: z.number().int().optional().openapi({ description: "Multipart only (EdgeHub): bytes per part" }),
    parts: z
      .array(z.object({ partNumber: z.number().int(), size: z.number().int(), uploadUrl: z.string() }))
      .optional()
      .openapi({ description: "Multipart only (EdgeHub): one signed PUT URL per part; retry a failed part alone" }),
  })
  .openapi("SignedUrlResponse");

export const UploadCompleteRequest = z
  .object({
    sessionId: z.string().min(1).max(128).openapi({ description: "Upload session ID from signed-url response" }),
    checksum: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "must be a SHA-256 hex digest")
      .optional()
      .openapi({ description: "SHA-256 of the file, verified before the upload is accepted" }),
  })
  .openapi("UploadCompleteRequest");

export const UploadCompleteResponse = z
  .object({ success: z.literal(true), file: z.object({ size: z.number(), contentType: z.string().optional() }) })
  .openapi("UploadCompleteResponse");

export const UploadSession = z
  .object({
    sessionId: z.string(),
    status: z.enum(["pending", "completed", "failed"]),
    assetType: z.enum(ASSET_TYPES),
    assetId: z.string(),
    filename: z.string(),
    contentType: z.string(),
    totalBytes: z.number(),
    expiresAt: Timestamp,
    partCount: z.number().int().optional(),
    receivedParts: z.array(z.number().int()).optional(),
    downloadUrl: z.string().optional(),
  })
  .openapi("UploadSession");

export const SessionParams = z.object({
  sessionId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "sessionId", in: "path" } }),
});
export const TokenQuery = z.object({ token: z.string().optional().openapi({ description: "The signed URL's token" }) });
