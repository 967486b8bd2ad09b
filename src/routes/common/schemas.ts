import { z } from "@hono/zod-openapi";
import { REGIONS } from "../../db/schema";
import { MODEL_STATUSES } from "../../db/tables/models";

/** Field shapes shared by several resources, as the contract writes them. */
export const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const Username = z
  .string()
  .min(4)
  .max(32)
  .regex(NAME_PATTERN, "must be lowercase letters, digits and single hyphens")
  .openapi({ description: "Workspace owner username", example: "jane-doe" });

export const Slug = z
  .string()
  .min(1)
  .max(128)
  .regex(NAME_PATTERN, "must be lowercase letters, digits and single hyphens")
  .openapi({ description: "Name used in URLs", example: "inspection" });

export const DisplayName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^(?=.*\S)[^\u0000-\u001f\u007f]+$/, "must contain a visible character and no control characters")
  .openapi({ description: "Display name", example: "Inspection" });

export const Visibility = z.enum(["public", "private"]).openapi({ description: "Resource visibility" });

export const LICENSES = [
  "None",
  "Apache-2.0",
  "MIT",
  "BSD-3-Clause",
  "AGPL-3.0",
  "GPL-3.0",
  "LGPL-3.0",
  "MPL-2.0",
  "EUPL-1.1",
  "Unlicense",
  "CC0-1.0",
  "Ultralytics-Enterprise",
  "Other",
] as const;
export const License = z.enum(LICENSES).openapi({ description: "Project/model license identifier" });

export const Region = z.enum(REGIONS).openapi({ description: "Data region where data is stored" });

export const TASKS = ["detect", "segment", "semantic", "depth", "classify", "pose", "obb"] as const;
export const Task = z.enum(TASKS).openapi({ description: "YOLO task type" });

export const ModelStatus = z.enum(MODEL_STATUSES).openapi({ description: "Training/model status" });

export const Tags = z.array(z.string().max(50)).max(50);

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-01-15T10:00:00.000Z" });

const MAX_METADATA_CHARS = 500_000;
export const Metadata = z
  .record(z.string().max(128), z.unknown())
  .refine(
    (value) => JSON.stringify(value).length <= MAX_METADATA_CHARS,
    `must serialize to at most ${MAX_METADATA_CHARS} characters`,
  )
  .openapi({ description: "Custom JSON metadata; keys up to 128 characters, at most 500,000 serialized characters" });

export const Limit = (defaultValue: number, max: number) =>
  z.coerce
    .number()
    .int()
    .positive()
    .max(max)
    .default(defaultValue)
    .openapi({ type: "integer", description: `Items per page (max ${max})` });

export const Page = z.coerce
  .number()
  .int()
  .positive()
  .default(1)
  .openapi({ type: "integer", description: "Page number" });

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}
