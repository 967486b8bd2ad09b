import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { bulkDeleteImages, bulkMoveImages } from "../../services/images";
import { json, jsonBody } from "../common/schemas";
import { DatasetIdParams } from "../datasets/schemas";
import { BulkDeleteBody, BulkDeleteResponse, BulkSplitBody, BulkSplitResponse } from "./schemas";

// The contract addresses images by id alone (they must all be of one dataset); the docs, under their dataset.

const moveDescription =
  "Moves up to 1000 images of one dataset to `split`. A name the split already holds is a conflict: `conflictPolicy` skip (default), keep_both (the moved image is renamed `name (2).jpg`) or replace.";
const moveResponses = {
  200: json(BulkSplitResponse, "Images moved"),
  ...errorResponses(400, 401, 403, 404, 409, 429),
};

export const bulkMoveRoute = createRoute({
  method: "patch",
  path: "/api/images/bulk",
  operationId: "patch_api_images_bulk",
  tags: ["Images"],
  summary: "Move images to a different split",
  description: moveDescription,
  request: { body: jsonBody(BulkSplitBody) },
  responses: moveResponses,
});

export const bulkMoveInDatasetRoute = createRoute({
  method: "patch",
  path: "/api/datasets/{datasetId}/images/bulk",
  operationId: "patch_api_datasets_datasetId_images_bulk",
  tags: ["Images"],
  summary: "Move a dataset's images to a different split",
  description: `The docs' form of patch_api_images_bulk. ${moveDescription}`,
  request: { params: DatasetIdParams, body: jsonBody(BulkSplitBody) },
  responses: moveResponses,
});

const deleteDescription = "Removes up to 1000 images of one dataset; ids it does not hold are left out of the answer.";
const deleteResponses = { 200: json(BulkDeleteResponse, "Images deleted"), ...errorResponses(400, 401, 403, 404, 429) };

export const bulkDeleteRoute = createRoute({
  method: "delete",
  path: "/api/images/bulk",
  operationId: "delete_api_images_bulk",
  tags: ["Images"],
  summary: "Delete images from dataset",
  description: deleteDescription,
  request: { body: jsonBody(BulkDeleteBody) },
  responses: deleteResponses,
});

export const bulkDeleteInDatasetRoute = createRoute({
  method: "delete",
  path: "/api/datasets/{datasetId}/images/bulk",
  operationId: "delete_api_datasets_datasetId_images_bulk",
  tags: ["Images"],
  summary: "Delete a dataset's images",
  description: `The docs' form of delete_api_images_bulk. ${deleteDescription}`,
  request: { params: DatasetIdParams, body: jsonBody(BulkDeleteBody) },
  responses: deleteResponses,
});

export const handleBulkMove: AppHandler<typeof bulkMoveRoute> = async (c) => {
  const body = c.req.valid("json");
  const counts = await bulkMoveImages(c.var.deps, c.var.actor, body);
  return c.json({ success: true as const, ...counts, targetSplit: body.split }, 200);
};

export const handleBulkMoveInDataset: AppHandler<typeof bulkMoveInDatasetRoute> = async (c) => {
  const body = c.req.valid("json");
  const counts = await bulkMoveImages(c.var.deps, c.var.actor, body, { id: c.req.valid("param").datasetId });
  return c.json({ success: true as const, ...counts, targetSplit: body.split }, 200);
};

export const handleBulkDelete: AppHandler<typeof bulkDeleteRoute> = async (c) => {
  const deleted = await bulkDeleteImages(c.var.deps, c.var.actor, c.req.valid("json").imageIds);
  return c.json({ success: true as const, deletedCount: deleted.length, deletedImageIds: deleted }, 200);
};

export const handleBulkDeleteInDataset: AppHandler<typeof bulkDeleteInDatasetRoute> = async (c) => {
  const ref = { id: c.req.valid("param").datasetId };
  const deleted = await bulkDeleteImages(c.var.deps, c.var.actor, c.req.valid("json").imageIds, ref);
  return c.json({ success: true as const, deletedCount: deleted.length, deletedImageIds: deleted }, 200);
};
