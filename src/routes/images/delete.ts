import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { deleteImage, getImage, getImageByHash } from "../../services/images";
import { json } from "../common/schemas";
import { DatasetId } from "../datasets/schemas";
import { DeleteImageResponse, ImageHash, ImageIdParams } from "./schemas";

const responses = {
  200: json(DeleteImageResponse, "Image deleted"),
  ...errorResponses(400, 401, 403, 404, 429),
};

export const deleteImageRoute = createRoute({
  method: "delete",
  path: "/api/images/{imageId}",
  operationId: "delete_api_images_imageId",
  tags: ["Images"],
  summary: "Delete an image",
  description: "Removes the image from its dataset. Its bytes stay while another dataset holds the same picture.",
  request: { params: ImageIdParams },
  responses,
});

/** The docs' form: the dataset's image with these bytes. */
export const deleteImageByHashRoute = createRoute({
  method: "delete",
  path: "/api/datasets/{datasetId}/images/{hash}",
  operationId: "delete_api_datasets_datasetId_images_hash",
  tags: ["Images"],
  summary: "Delete an image by hash",
  description: "The docs' form of delete_api_images_imageId: the dataset's image with this SHA-256.",
  request: {
    params: z.object({
      datasetId: DatasetId.openapi({ param: { name: "datasetId", in: "path" } }),
      hash: ImageHash.openapi({ param: { name: "hash", in: "path" } }),
    }),
  },
  responses,
});

export const handleDeleteImage: AppHandler<typeof deleteImageRoute> = async (c) => {
  const found = await getImage(c.var.deps, c.var.actor, c.req.valid("param").imageId);
  const deleted = await deleteImage(c.var.deps, c.var.actor, found);
  return c.json({ success: true as const, deletedImageId: found.image.id, deletedCount: deleted.length }, 200);
};

export const handleDeleteImageByHash: AppHandler<typeof deleteImageByHashRoute> = async (c) => {
  const { datasetId, hash } = c.req.valid("param");
  const found = await getImageByHash(c.var.deps, c.var.actor, { id: datasetId }, hash);
  const deleted = await deleteImage(c.var.deps, c.var.actor, found);
  return c.json({ success: true as const, deletedImageId: found.image.id, deletedCount: deleted.length }, 200);
};
