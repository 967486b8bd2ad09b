import { z } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { cloneDataset } from "../../services/dataset-edits";
import { DisplayName, Region, Slug, Username, Visibility, json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DatasetIdParams, DatasetLicense, OwnerDatasetParams } from "./schemas";

export const DatasetCloneBody = z
  .object({
    name: DisplayName.optional(),
    dataset: Slug.optional().openapi({ description: "The copy's URL name (default: the name's, or <source>-copy)" }),
    description: z.string().max(1000).optional(),
    visibility: Visibility.optional(),
    license: DatasetLicense.optional(),
    owner: Username.optional().openapi({ description: "The workspace to copy into (default: yours)" }),
  })
  .openapi("DatasetClone");
export const CloneDatasetResponse = z
  .object({
    id: z.string(),
    owner: z.string(),
    dataset: z.string(),
    name: z.string(),
    imageCount: z.number().int().min(0),
    classCount: z.number().int().min(0),
    region: Region,
  })
  .openapi("CloneDatasetResponse");

export const { byOwner: cloneDatasetRoute, byId: cloneDatasetByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Datasets"],
    summary: "Clone a dataset",
    description:
      "Copies a dataset you can read (public, or of your workspaces) with all its images and labels into a workspace you can edit; the pictures are shared by hash, not copied, and booked in the copy's workspace. Browser session only. Honours Idempotency-Key.",
    request: { body: { required: false, content: { "application/json": { schema: DatasetCloneBody } } } },
    responses: {
      201: json(CloneDatasetResponse, "Cloned"),
      ...errorResponses(400, 401, 403, 404, 409, 429),
    },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}/clone",
      operationId: "post_api_datasets_owner_dataset_clone",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}/clone",
      operationId: "post_api_datasets_datasetId_clone",
      request: { params: DatasetIdParams },
    },
  },
);

export const handleCloneDataset: AppHandler<typeof cloneDatasetRoute, SignedInActor> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  const body = c.req.valid("json") ?? {};
  return c.json(await cloneDataset(c.var.deps, c.var.actor, { owner, slug: dataset }, body), 201);
};

export const handleCloneDatasetById: AppHandler<typeof cloneDatasetByIdRoute, SignedInActor> = async (c) => {
  const body = c.req.valid("json") ?? {};
  return c.json(await cloneDataset(c.var.deps, c.var.actor, { id: c.req.valid("param").datasetId }, body), 201);
};
