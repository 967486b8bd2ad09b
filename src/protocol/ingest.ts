/**
 * The ingest job's part of the API <-> runner protocol: the runner reads an archive in its
 * sandbox, then for each batch of pictures asks which bytes EdgeHub lacks (`blobs`), PUTs those
 * (and their thumbnails) to the signed URLs, and commits the batch's images with their labels.
 * Bytes are named by their SHA-256, so a picture already stored is never sent again.
 */
import { z } from "@hono/zod-openapi";

export const SPLIT_NAMES = ["train", "val", "test"] as const;

/** The picture types ingest stores; others in an archive are skipped and reported. */
export const IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff"] as const;
/** One picture's bytes at most: an archive entry above it is refused, with its name. */
export const IMAGE_MAX_BYTES = 32 * 1024 * 1024;
/** Thumbnails are WebP at most 256 px a side; far below this. */
export const THUMBNAIL_MAX_BYTES = 1024 * 1024;
/** Pictures per blobs or commit call. */
export const INGEST_BATCH = 200;

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha-256 (64 lowercase hex characters)");

/** One annotation in YOLO's normalised form (checked against the dataset by src/services/labels.ts). */
export const Label = z
  .object({
    classId: z.number().int().min(0).openapi({ description: "Class index (0-based)" }),
    bbox: z
      .tuple([z.number(), z.number(), z.number(), z.number()])
      .optional()
      .openapi({ description: "Bounding box [x_center, y_center, width, height] normalized 0-1" }),
    segments: z.array(z.number()).max(10_000).optional().openapi({ description: "Polygon points, normalized 0-1" }),
    keypoints: z
      .array(z.number())
      .max(10_000)
      .optional()
      .openapi({ description: "Flat [x, y] pairs or [x, y, visibility] triples, as the dataset's kpt_shape says" }),
    obb: z
      .tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number()])
      .optional()
      .openapi({ description: "Oriented bounding box corners" }),
    skeletonId: z.string().max(128).optional(),
  })
  .strict();

const LeaseId = z.string().min(1).max(100);

export const IngestBlob = z.object({
  hash: Sha256,
  ext: z.enum(IMAGE_EXTENSIONS),
  bytes: z.number().int().min(1).max(IMAGE_MAX_BYTES),
  /** 0 when the picture could not be decoded (it is stored, with its error). */
  width: z.number().int().min(0).max(100_000),
  height: z.number().int().min(0).max(100_000),
  /** 0 when there is no thumbnail (an undecodable picture). */
  thumbnailBytes: z.number().int().min(0).max(THUMBNAIL_MAX_BYTES),
});
export type IngestBlob = z.infer<typeof IngestBlob>;

export const BlobsRequest = z.object({ leaseId: LeaseId, blobs: z.array(IngestBlob).min(1).max(INGEST_BATCH) });
export const BlobsResponse = z.object({
  /** Only the bytes EdgeHub does not hold yet: PUT each (thumbnail first), exactly as signed. */
  uploads: z.array(z.object({ hash: Sha256, imageUrl: z.string(), thumbnailUrl: z.string().optional() })),
});
export type BlobsResponse = z.infer<typeof BlobsResponse>;

export const IngestImage = z.object({
  hash: Sha256,
  filename: z.string().min(1).max(255),
  originalPath: z.string().max(1024),
  split: z.enum(SPLIT_NAMES),
  labels: z.array(Label).max(10_000),
  /** Why the picture or some of its labels could not be used; the picture is kept either way. */
  error: z.string().max(1000).nullable(),
});
export type IngestImage = z.infer<typeof IngestImage>;

export const CommitRequest = z.object({
  leaseId: LeaseId,
  images: z.array(IngestImage).min(1).max(INGEST_BATCH),
  /** The dataset's classes with the archive's new ones appended (the existing ones never change). */
  classNames: z.array(z.string().min(1).max(100)).max(25_000).optional(),
  /** A pose archive's kpt_shape (data.yaml), kept when the dataset has none yet. */
  kptShape: z.tuple([z.number().int().min(1).max(1000), z.number().int().min(2).max(3)]).optional(),
});
export const CommitResponse = z.object({
  added: z.number().int(),
  skipped: z.number().int(),
  replaced: z.number().int(),
});
export type CommitResponse = z.infer<typeof CommitResponse>;

/** What an ingest job's spec tells the runner. */
export const IngestSpec = z.object({
  datasetId: z.string(),
  task: z.string(),
  classNames: z.array(z.string()),
  kptShape: z.tuple([z.number(), z.number()]).nullable(),
  /** An uploaded archive (the claim's `source` input), or a URL the runner fetches itself. */
  source: z.union([
    z.object({ kind: z.literal("upload"), filename: z.string() }),
    z.object({ kind: z.literal("url"), url: z.string() }),
  ]),
  targetSplit: z.enum(SPLIT_NAMES).nullable(),
  classMapping: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).nullable(),
});
export type IngestSpec = z.infer<typeof IngestSpec>;
