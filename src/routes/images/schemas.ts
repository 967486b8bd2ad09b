import { z } from "@hono/zod-openapi";
import { IMAGE_SORTS } from "../../db/images";
import * as protocol from "../../protocol/ingest";
import { SPLITS } from "../../db/schema";
import { Metadata, Region, Timestamp } from "../common/schemas";

export const ImageId = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, "must be an image id (24 hex characters)")
  .openapi({ description: "Image ID", example: "507f1f77bcf86cd799439011" });
export const ImageIdParams = z.object({ imageId: ImageId.openapi({ param: { name: "imageId", in: "path" } }) });
export const ImageHash = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be an image hash (sha-256, 64 lowercase hex characters)")
  .openapi({ description: "SHA-256 of the image's bytes" });

export const Split = z.enum(SPLITS).openapi({ description: "Dataset split type" });
const Flag = (fallback: "true" | "false", description: string) =>
  z.enum(["true", "false"]).default(fallback).openapi({ description });
const OptionalFlag = (description: string) => z.enum(["true", "false"]).optional().openapi({ description });

export const Label = protocol.Label.openapi("ImageLabel", { description: "Single annotation (object) in an image" });
export const Labels = z.array(Label).max(10_000);

/** The filters the list and the selection share. */
const ImageFilters = {
  split: Split.optional(),
  hasError: OptionalFlag("Filter by processing error state"),
  hasLabel: OptionalFlag("Filter by annotation state"),
  classIds: z
    .string()
    .max(1000)
    .regex(/^(?:\d+(?:,\d+)*)?$/, "must be comma-separated class ids")
    .optional()
    .openapi({ description: "Comma-separated class IDs: images holding any of them; empty matches no images" }),
  search: z.string().max(200).optional().openapi({ description: "A part of the file name, or the start of the hash" }),
  sort: z.enum(IMAGE_SORTS).default("newest").openapi({ description: "Sort order" }),
  includeThumbnails: Flag("true", "Include signed thumbnail URLs"),
  includeImageUrls: Flag("false", "Include signed full-size image URLs"),
  includeLabels: Flag("false", "Include capped preview annotations"),
};

export const ListImagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(5000).default(50).openapi({ description: "Maximum images to return" }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ description: "Images to skip" }),
  cursor: ImageId.optional().openapi({ description: "Last image ID from the previous page" }),
  includeTotal: Flag("true", "Include the total matching image count"),
  ...ImageFilters,
});
export const SelectedImagesQuery = z.object(ImageFilters);
export const SelectedImagesBody = z.object({ imageIds: z.array(ImageId).min(1).max(1000) });

export const ListImage = z
  .object({
    id: z.string(),
    hash: z.string(),
    ext: z.string(),
    thumbnailUrl: z.string().optional(),
    imageUrl: z.string().optional(),
    width: z.number().int().min(0),
    height: z.number().int().min(0),
    split: Split,
    labelCount: z.number().int().min(0),
    name: z.string(),
    bytes: z.number().int().min(0).optional(),
    error: z.string().nullable().optional(),
    labels: z.array(Label).optional(),
    labelsTruncated: z.literal(true).optional(),
  })
  .openapi("DatasetImage");

export const ListDatasetImagesResponse = z
  .object({
    images: z.array(ListImage),
    total: z.number().int().min(0).optional(),
    hasMore: z.boolean(),
    classes: z.array(z.string()),
    errorCount: z.number().int().min(0),
    nextCursor: z.string().optional(),
  })
  .openapi("ListDatasetImagesResponse");

export const SelectedDatasetImagesResponse = z
  .object({
    images: z.array(ListImage),
    total: z.number().int().min(0),
    hasMore: z.literal(false),
    classes: z.array(z.string()),
    errorCount: z.number().int().min(0),
  })
  .openapi("SelectedDatasetImagesResponse");

export const ImageResponse = z
  .object({
    metadata: z.record(z.string(), z.unknown()),
    properties: z.object({
      id: z.string(),
      datasetId: z.string(),
      filename: z.string(),
      hash: z.string(),
      extension: z.string(),
      originalPath: z.string().optional(),
      width: z.number().int().min(0),
      height: z.number().int().min(0),
      split: Split,
      annotationCount: z.number().int().min(0),
      classIds: z.array(z.number().int().min(0)),
      bytes: z.number().int().min(0),
      region: Region,
      retainedByVersion: z.boolean(),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      error: z.string().nullable(),
    }),
    labels: z.array(Label),
    classNames: z.array(z.string()),
  })
  .openapi("Image");

export const ImageUpdate = z
  .union([
    z.object({ labels: Labels }).strict(),
    z.object({ metadata: Metadata }).strict(),
    z.object({ split: Split }).strict(),
  ])
  .openapi("ImageUpdate", { description: "Exactly one of: labels (replaced), metadata (replaced), split" });

export const UpdateImageLabelsResponse = z
  .object({ success: z.literal(true), labels: z.array(Label), labelCount: z.number().int().min(0) })
  .openapi("UpdateImageLabelsResponse");
export const UpdateImageResponse = z
  .union([
    UpdateImageLabelsResponse,
    z
      .object({ metadata: z.record(z.string(), z.unknown()), updatedAt: Timestamp })
      .openapi("UpdateImageMetadataResponse"),
  ])
  .openapi("UpdateImageResponse");

export const DeleteImageResponse = z
  .object({ success: z.literal(true), deletedImageId: z.string(), deletedCount: z.number().int().positive() })
  .openapi("DeleteImageResponse");

const ImageIds = (max: number) => z.array(ImageId).min(1).max(max);
export const BulkSplitBody = z.object({
  imageIds: ImageIds(1000),
  split: Split,
  conflictPolicy: z
    .enum(["skip", "keep_both", "replace"])
    .optional()
    .openapi({ description: "A name already in the target split: skip (default), keep_both (rename), replace" }),
});
export const BulkSplitResponse = z
  .object({
    success: z.literal(true),
    modifiedCount: z.number().int().min(0),
    skippedCount: z.number().int().min(0),
    targetSplit: Split,
  })
  .openapi("BulkUpdateImageSplitResponse");
export const BulkDeleteBody = z.object({ imageIds: ImageIds(1000) });
export const BulkDeleteResponse = z
  .object({ success: z.literal(true), deletedCount: z.number().int().min(0), deletedImageIds: z.array(z.string()) })
  .openapi("BulkDeleteImagesResponse");

export const ImageUrlsBody = z.object({ imageIds: ImageIds(100) });
export const HashUrlsBody = z.object({ hashes: z.array(ImageHash).min(1).max(100) });
export const ImageUrlsResponse = z
  .object({
    urls: z.record(z.string(), z.string()),
    thumbnails: z.record(z.string(), z.string()),
    depths: z.record(z.string(), z.object({ previewUrl: z.string() })),
  })
  .openapi("ImageUrlsResponse");

export const ImageLabelsResponse = z
  .object({ labels: z.array(Label), classNames: z.array(z.string()) })
  .openapi("ImageLabelsResponse");
export const PutLabelsBody = z.object({ labels: Labels });

/** The contract's `ul://owner/project/model`, each part a slug without `--`. */
const ModelUri = z
  .string()
  .max(256)
  .regex(
    /^ul:\/\/(?![^/]*--)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\/(?![^/]*--)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\/(?![^/]*--)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    "must be a model URI: ul://owner/project/model",
  )
  .openapi({ description: "Fully qualified model URI", example: "ul://ultralytics/yolo26/yolo26n" });
const AnnotateThresholds = {
  confidence: z.number().min(0.01).max(1).default(0.25).openapi({ description: "Confidence threshold" }),
  iou: z.number().min(0).max(0.95).default(0.7).openapi({ description: "IoU threshold for non-maximum suppression" }),
};
export const AnnotateImageBody = z
  .object({ modelId: ModelUri, ...AnnotateThresholds })
  .openapi({ description: "Input for dataset auto-annotation prediction" });
export const AnnotateDatasetImageBody = z.object({
  imageHash: ImageHash,
  modelId: ModelUri.optional().openapi({ description: "The model; the dataset task's default model when absent" }),
  ...AnnotateThresholds,
});
export const ImagePredictionResponse = z
  .object({
    success: z.literal(true),
    predictions: z.array(Label).openapi({ description: "Predicted annotations, now the image's labels" }),
    modelUsed: z.string().openapi({ description: "Model used for inference" }),
    inferenceTime: z.number().min(0).optional().openapi({ description: "Inference time in seconds" }),
  })
  .openapi("ImagePredictionResponse");
