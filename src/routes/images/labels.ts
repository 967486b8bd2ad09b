import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { getImageByHash, updateImage } from "../../services/images";
import { json, jsonBody } from "../common/schemas";
import { DatasetId } from "../datasets/schemas";
import { ImageHash, ImageLabelsResponse, PutLabelsBody, UpdateImageLabelsResponse } from "./schemas";

const HashParams = z.object({
  datasetId: DatasetId.openapi({ param: { name: "datasetId", in: "path" } }),
  hash: ImageHash.openapi({ param: { name: "hash", in: "path" } }),
});

export const getLabelsRoute = createRoute({
  method: "get",
  path: "/api/datasets/{datasetId}/images/{hash}/labels",
  operationId: "get_api_datasets_datasetId_images_hash_labels",
  tags: ["Images"],
  summary: "Get image labels",
  description: "The annotations of the dataset's image with this SHA-256, and the dataset's class names.",
  request: { params: HashParams },
  responses: { 200: json(ImageLabelsResponse, "Labels"), ...errorResponses(400, 401, 404, 429) },
});

export const putLabelsRoute = createRoute({
  method: "put",
  path: "/api/datasets/{datasetId}/images/{hash}/labels",
  operationId: "put_api_datasets_datasetId_images_hash_labels",
  tags: ["Images"],
  summary: "Update image labels",
  description:
    "Replaces the image's labels: YOLO normalised values in [0, 1], bbox `[x_center, y_center, width, height]`, segments `[x1, y1, x2, y2, ...]`. A bad label is a 400 naming it, and nothing changes.",
  request: { params: HashParams, body: jsonBody(PutLabelsBody) },
  responses: { 200: json(UpdateImageLabelsResponse, "Labels replaced"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const handleGetLabels: AppHandler<typeof getLabelsRoute> = async (c) => {
  const { datasetId, hash } = c.req.valid("param");
  const { view, image } = await getImageByHash(c.var.deps, c.var.actor, { id: datasetId }, hash);
  return c.json({ labels: image.labels, classNames: view.dataset.classNames }, 200);
};

export const handlePutLabels: AppHandler<typeof putLabelsRoute> = async (c) => {
  const { datasetId, hash } = c.req.valid("param");
  const found = await getImageByHash(c.var.deps, c.var.actor, { id: datasetId }, hash);
  const image = await updateImage(c.var.deps, c.var.actor, found, { labels: c.req.valid("json").labels });
  return c.json({ success: true as const, labels: image.labels, labelCount: image.labelCount }, 200);
};
