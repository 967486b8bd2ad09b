import { z } from "@hono/zod-openapi";
import { isId } from "../../ids";
import {
  DisplayName,
  Metadata,
  ModelStatus,
  Region,
  Slug,
  Tags,
  Task,
  Timestamp,
  Username,
  Visibility,
} from "../common/schemas";

export const DatasetId = z
  .string()
  .refine((value) => isId("dataset", value), "must be a dataset id (dst_...)")
  .openapi({ description: "Dataset ID", example: "dst_0123456789abcdefghij" });

export const DatasetIdParams = z.object({ datasetId: DatasetId.openapi({ param: { name: "datasetId", in: "path" } }) });
export const OwnerDatasetParams = z.object({
  owner: Username.openapi({ param: { name: "owner", in: "path" } }),
  dataset: Slug.openapi({ param: { name: "dataset", in: "path" } }),
});

/** Datasets carry data licenses (Creative Commons and others), a different list from models'. */
export const DatasetLicense = z
  .enum([
    "None",
    "CC0-1.0",
    "PDM-1.0",
    "CC-BY-2.5",
    "CC-BY-4.0",
    "CC-BY-NC-2.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-3.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "Apache-2.0",
    "MIT",
    "AGPL-3.0",
    "GPL-3.0",
    "Research-Only",
    "Other",
  ])
  .openapi({ description: "Dataset license identifier" });

export const DatasetFormat = z.enum(["yolo", "coco", "raw", "ndjson"]).openapi({ description: "Annotation format" });
const ClassNames = z.array(z.string().min(1).max(100)).max(25_000);
const ClassColors = z
  .record(z.string().max(128), z.string().max(7))
  .refine((value) => Object.keys(value).length <= 25_000, "at most 25,000 classes")
  .openapi({ description: "Display colour per class name" });

/** The contract's Dataset, as far as EdgeHub keeps it (images, versions and ingest come with their issue). */
export const Dataset = z
  .object({
    id: z.string().openapi({ description: "Dataset ID" }),
    owner: z.string().openapi({ description: "Dataset owner" }),
    dataset: z.string().openapi({ description: "Dataset name used in Platform URLs" }),
    name: z.string().openapi({ description: "Display name" }),
    description: z.string().optional(),
    visibility: Visibility,
    task: Task,
    imageCount: z.number().int().min(0),
    classCount: z.number().int().min(0).optional(),
    classNames: z.array(z.string()).optional(),
    format: DatasetFormat.optional(),
    tags: z.array(z.string()).optional(),
    license: DatasetLicense.optional(),
    splits: z.object({
      train: z.number().int().min(0),
      val: z.number().int().min(0),
      test: z.number().int().min(0),
      labeled: z.number().int().min(0),
    }),
    starCount: z.number().int().min(0),
    isStarred: z.boolean(),
    status: z.enum(["processing", "ready", "failed"]).optional(),
    classColors: z.record(z.string(), z.string()).optional(),
    iconColor: z.string().optional(),
    iconLetter: z.string().optional(),
    iconImage: z.string().optional().openapi({ description: "The uploaded icon's URL" }),
    kptShape: z.tuple([z.number(), z.number()]).optional().openapi({ description: "Pose: [keypoints, dimensions]" }),
    region: Region.optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Dataset");

/** The docs' alias fields, added on id-path answers. */
const Aliases = {
  _id: z.string().optional().openapi({ description: "Alias of id (docs' form)" }),
  slug: z.string().optional().openapi({ description: "Alias of dataset (docs' form)" }),
  username: z.string().optional().openapi({ description: "Alias of owner (docs' form)" }),
};

export const DatasetDetailResponse = z
  .object({ dataset: Dataset.extend({ metadata: z.record(z.string(), z.unknown()), ...Aliases }) })
  .openapi("DatasetDetailResponse");

export const ListDatasetsResponse = z
  .object({ datasets: z.array(Dataset.extend(Aliases)), total: z.number().int().min(0), region: Region })
  .openapi("ListDatasetsResponse");

/** Requests accept both vocabularies: the contract's `dataset` and the docs' `slug`. */
export const DatasetCreate = z
  .object({
    dataset: Slug.optional().openapi({ description: "Dataset name used in Platform URLs" }),
    slug: Slug.optional().openapi({ description: "Alias of dataset (docs' form)" }),
    name: DisplayName.optional(),
    description: z.string().max(1000).optional(),
    metadata: Metadata.optional(),
    visibility: Visibility.optional(),
    task: Task.optional(),
    imageCount: z.number().int().min(0).optional(),
    classNames: ClassNames.optional(),
    format: DatasetFormat.optional(),
    tags: Tags.optional(),
    license: DatasetLicense.optional(),
    owner: Username.optional().openapi({ description: "Workspace owner" }),
  })
  .refine((body) => body.dataset ?? body.slug ?? body.name, {
    message: "dataset (or slug, or name) is required",
    path: ["dataset"],
  })
  .refine((body) => !(body.dataset && body.slug && body.dataset !== body.slug), {
    message: "dataset and slug disagree",
    path: ["slug"],
  })
  .openapi("DatasetCreate");

export const CreateDatasetResponse = z
  .object({ id: z.string(), owner: z.string(), dataset: z.string(), region: Region })
  .openapi("CreateDatasetResponse");

export const DatasetUpdate = z
  .object({
    starred: z.boolean().optional(),
    name: DisplayName.optional(),
    dataset: Slug.optional().openapi({
      description: "New dataset name used in URLs (EdgeHub; defaults to the name's slug)",
    }),
    slug: Slug.optional().openapi({ description: "Alias of dataset (docs' form)" }),
    description: z.string().max(1000).optional(),
    metadata: Metadata.optional(),
    visibility: Visibility.optional(),
    tags: Tags.optional(),
    classNames: ClassNames.optional(),
    classColors: ClassColors.optional(),
    format: DatasetFormat.optional(),
    task: Task.optional(),
    license: DatasetLicense.optional(),
    iconColor: z.string().max(50).optional(),
    iconLetter: z.string().max(2).optional(),
  })
  .refine((body) => !(body.dataset && body.slug && body.dataset !== body.slug), {
    message: "dataset and slug disagree",
    path: ["slug"],
  })
  .openapi("DatasetUpdate");

export const UpdateDatasetResponse = z
  .object({ success: z.literal(true), dataset: z.string() })
  .openapi("UpdateDatasetResponse");

export const DeleteDatasetResponse = z.object({ success: z.literal(true) }).openapi("DeleteDatasetResponse");

/** A model trained on the dataset, as the contract's DatasetTrainedModelsResponse lists it. */
export const TrainedModel = z
  .object({
    id: z.string(),
    owner: z.string(),
    project: z.string(),
    model: z.string(),
    name: z.string(),
    status: ModelStatus,
    task: Task.optional(),
    epochs: z.number().int().min(0).optional(),
    bestEpoch: z.number().int().min(0).optional(),
    bestFitness: z.number().optional(),
    metrics: z.record(z.string(), z.number()),
    startedAt: Timestamp.optional(),
    completedAt: Timestamp.optional(),
    createdAt: Timestamp,
    projectIconColor: z.string().optional(),
    projectIconLetter: z.string().optional(),
    projectIconImage: z.string().optional(),
    // The docs' alias fields, on id-path answers.
    _id: z.string().optional(),
    slug: z.string().optional(),
    username: z.string().optional(),
    projectId: z.string().optional(),
    projectSlug: z.string().optional(),
  })
  .openapi("DatasetTrainedModel");

export const DatasetTrainedModelsResponse = z
  .object({ models: z.array(TrainedModel), count: z.number().int().min(0) })
  .openapi("DatasetTrainedModelsResponse");

export type DatasetJson = z.infer<typeof Dataset>;
export type TrainedModelJson = z.infer<typeof TrainedModel>;
