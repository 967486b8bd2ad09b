import { z } from "@hono/zod-openapi";
import { isId } from "../../ids";
import {
  DisplayName,
  License,
  Metadata,
  ModelStatus,
  Region,
  Slug,
  Task,
  Timestamp,
  Username,
  Visibility,
} from "../common/schemas";
import { DatasetId } from "../datasets/schemas";
import { ProjectId } from "../projects/schemas";

export const ModelId = z
  .string()
  .refine((value) => isId("model", value), "must be a model id (mdl_...)")
  .openapi({ description: "Model ID", example: "mdl_0123456789abcdefghij" });

export const ModelIdParams = z.object({ modelId: ModelId.openapi({ param: { name: "modelId", in: "path" } }) });
export const OwnerProjectModelParams = z.object({
  owner: Username.openapi({ param: { name: "owner", in: "path" } }),
  project: Slug.openapi({ param: { name: "project", in: "path" } }),
  model: Slug.openapi({ param: { name: "model", in: "path" }, description: "Model name used in URLs" }),
});

const Metrics = z.record(z.string(), z.number());
const TrainResult = z.object({
  epoch: z.number().int().min(0),
  metrics: Metrics.optional(),
  fitness: z.number().optional(),
  timestamp: Timestamp.optional(),
});

/** The contract's Model, as lists show it. */
export const Model = z
  .object({
    id: z.string(),
    owner: z.string(),
    project: z.string().openapi({ description: "Project name used in Platform URLs" }),
    projectName: z.string(),
    model: z.string().openapi({ description: "Model name used in Platform URLs" }),
    visibility: Visibility,
    name: z.string(),
    description: z.string().optional(),
    license: License.optional(),
    status: ModelStatus.optional(),
    task: Task.optional(),
    color: z.string().optional(),
    datasetId: z.string().optional(),
    sourceModelId: z.string().optional(),
    baseModel: z.string().optional(),
    epochs: z.number().int().min(0).optional(),
    bestEpoch: z.number().int().min(0).nullable().optional(),
    bestFitness: z.number().nullable().optional(),
    metrics: Metrics.optional(),
    trainResults: z.array(TrainResult).optional(),
    hasWeights: z.boolean(),
    file: z.object({ size: z.number().min(0) }).optional(),
    version: z.string().optional(),
    startedAt: Timestamp.optional(),
    completedAt: Timestamp.optional(),
    classNames: z.array(z.string()).optional(),
    trainingError: z.object({ message: z.string(), code: z.string().optional(), timestamp: Timestamp }).optional(),
    starCount: z.number().int().min(0),
    isStarred: z.boolean(),
    clonedFrom: z.string().optional(),
    cloneCount: z.number().int().min(0).optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Model");

/** The docs' alias fields, added on id-path answers. */
const Aliases = {
  _id: z.string().optional().openapi({ description: "Alias of id (docs' form)" }),
  slug: z.string().optional().openapi({ description: "Alias of model (docs' form)" }),
  projectId: z.string().optional().openapi({ description: "The project's id (docs' form)" }),
  username: z.string().optional().openapi({ description: "Alias of owner (docs' form)" }),
};

export const ModelListItem = Model.extend(Aliases);
export const ModelDetail = Model.extend({
  trainArgs: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()),
  ...Aliases,
}).openapi("ModelDetail");

export const ListModelsResponse = z
  .object({ models: z.array(ModelListItem), region: Region })
  .openapi("ListModelsResponse");
export const ModelDetailResponse = z
  .object({ model: ModelDetail, isOwner: z.boolean() })
  .openapi("ModelDetailResponse");

export const ListModelsQuery = z.object({
  projectId: ProjectId,
  fields: z
    .enum(["summary", "charts"])
    .optional()
    .openapi({ description: "summary leaves out training results; charts includes them" }),
  ids: z
    .string()
    .max(2100)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const ids = value
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean);
      if (ids.length > 100 || ids.some((id) => !isId("model", id))) {
        ctx.addIssue({ code: "custom", message: "must be up to 100 comma-separated model ids (mdl_...)" });
        return z.NEVER;
      }
      return ids;
    })
    .openapi({ type: "string", description: "Comma-separated model IDs" }),
  limit: z.coerce
    .number()
    .int()
    .positive()
    .max(100)
    .default(20)
    .openapi({ type: "integer", description: "Max results (max 100)" }),
});

const ModelTrainResultInput = z.object({
  epoch: z.number().int().min(0),
  fitness: z.number().optional(),
  metrics: z.record(z.string().max(100), z.number()).optional(),
  timestamp: Timestamp.optional(),
});

/** Requests accept both vocabularies: the contract's project/model names and the docs' projectId/slug. */
export const ModelCreate = z
  .object({
    projectId: ProjectId.optional().openapi({ description: "Target project ID (docs' form)" }),
    owner: Username.optional(),
    project: Slug.optional().openapi({ description: "Target project name (contract's form)" }),
    model: Slug.optional().openapi({ description: "Model name used in URLs" }),
    slug: Slug.optional().openapi({ description: "Alias of model (docs' form)" }),
    name: DisplayName.optional(),
    description: z.string().max(1000).optional(),
    task: Task.optional(),
    metadata: Metadata.optional(),
    trainArgs: Metadata.optional(),
    trainResults: z.array(ModelTrainResultInput).max(10_000).optional(),
    epochs: z.number().int().min(0).optional(),
    metrics: z.record(z.string().max(100), z.number()).optional(),
    version: z.string().max(50).optional(),
    completedAt: Timestamp.optional(),
    visibility: Visibility.optional(),
  })
  .refine((body) => body.projectId ?? body.project, {
    message: "projectId (or project) is required",
    path: ["projectId"],
  })
  .refine((body) => !(body.model && body.slug && body.model !== body.slug), {
    message: "model and slug disagree",
    path: ["slug"],
  })
  .openapi("ModelCreate");

export const CreateModelResponse = z
  .object({ id: z.string(), owner: z.string(), project: z.string(), model: z.string(), region: Region })
  .openapi("CreateModelResponse");

export const ModelUpdate = z
  .object({
    starred: z.boolean().optional(),
    name: DisplayName.optional(),
    model: Slug.optional().openapi({ description: "New model name used in URLs (defaults to the name's slug)" }),
    slug: Slug.optional().openapi({ description: "Alias of model (docs' form)" }),
    color: z.union([z.string().max(7), z.null()]).optional(),
    description: z.string().max(1000).optional(),
    metadata: Metadata.optional(),
    status: ModelStatus.optional(),
    license: License.optional(),
    visibility: Visibility.optional(),
    task: Task.optional(),
    datasetId: z
      .union([DatasetId, z.null()])
      .optional()
      .openapi({ description: "The dataset the model was trained on (one the caller can read), or null" }),
    trainArgs: Metadata.optional(),
  })
  .openapi("ModelUpdate");

export const ModelPatchResponse = z
  .union([
    z.object({ success: z.literal(true), model: z.string() }),
    z.object({ starred: z.boolean(), starCount: z.number().int().min(0) }),
  ])
  .openapi("ModelPatchResponse");

export const DeleteModelResponse = z.object({ success: z.literal(true) }).openapi("DeleteModelResponse");

export const ModelFile = z.object({ name: z.string(), size: z.number().min(0), downloadUrl: z.string() });
export const ModelFilesResponse = z.object({ files: z.array(ModelFile) }).openapi("ModelFilesResponse");

export const ModelClone = z
  .object({
    targetProjectSlug: Slug.optional().openapi({ description: "Destination project (docs' form)" }),
    project: Slug.optional().openapi({ description: "Destination project (contract's form)" }),
    owner: Username.optional().openapi({ description: "Destination workspace" }),
    model: Slug.optional().openapi({ description: "Name used in URLs for the copy" }),
    modelName: DisplayName.optional().openapi({ description: "Name for the cloned model (docs' form)" }),
    name: DisplayName.optional(),
    description: z.string().max(1000).optional(),
  })
  .refine((body) => body.project ?? body.targetProjectSlug, {
    message: "project (or targetProjectSlug) is required",
    path: ["project"],
  })
  .openapi("ModelClone");

export const CloneModelResponse = z
  .object({
    id: z.string(),
    owner: z.string(),
    project: z.string(),
    model: z.string(),
    name: z.string(),
    region: Region,
  })
  .openapi("CloneModelResponse");

export const TrackDownloadResponse = z.object({ success: z.literal(true) }).openapi("TrackDownloadResponse");

export type ModelJson = z.infer<typeof Model>;
