/**
 * The `ndjson` job's part of the API <-> runner protocol: a large dataset's NDJSON is written by a
 * runner, not in a request. The runner asks for the file page by page (`after` the last image id
 * it got; the first page starts with the dataset record) and uploads the whole as its one output.
 */
import { z } from "@hono/zod-openapi";

export const NdjsonSpec = z.object({
  datasetId: z.string(),
  /** Where the built file is published: a version's key, or the live export's pointer. */
  key: z.string(),
  source: z.union([z.object({ datasetId: z.string() }), z.object({ versionId: z.string() })]),
  shape: z.object({
    task: z.string(),
    classNames: z.array(z.string()),
    kptShape: z.tuple([z.number(), z.number()]).nullable(),
  }),
  /** The output's file name. */
  name: z.string(),
  /** The live export: the dataset's updatedAt when the build started (its cache stamp). */
  stamp: z.string().optional(),
  /** Images to write, for progress. */
  images: z.number().int().nonnegative(),
});
export type NdjsonSpec = z.infer<typeof NdjsonSpec>;

export const NdjsonPageRequest = z.object({
  leaseId: z.string().min(1),
  /** The last image id of the previous page; empty for the first. */
  after: z.string().max(64),
});

export const NdjsonPageResponse = z.object({
  /** Whole lines, each ending in a newline. */
  text: z.string(),
  /** Where the next page starts, or null after the last. */
  next: z.string().nullable(),
  images: z.number().int().nonnegative(),
});
export type NdjsonPageResponse = z.infer<typeof NdjsonPageResponse>;
