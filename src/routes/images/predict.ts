import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { annotateImage } from "../../services/auto-annotate";
import { getImage, getImageByHash } from "../../services/images";
import { json, jsonBody } from "../common/schemas";
import { DatasetId } from "../datasets/schemas";
import { AnnotateDatasetImageBody, AnnotateImageBody, ImageIdParams, ImagePredictionResponse } from "./schemas";

const annotateErrors = errorResponses(400, 401, 403, 404, 422, 429, 503);
const annotateDescription =
  "Runs a model on the image through the predict pipeline and stores its boxes, masks, keypoints or class as the " +
  "image's labels (YOLO normalised), replacing them. Classes are matched by name; a dataset without classes " +
  "takes the model's. 400 for a model of another task or a depth or semantic dataset, 422 when the model " +
  "predicts none of the dataset's classes, 503 while the model's first ONNX export is made.";

export const annotateImageRoute = createRoute({
  method: "post",
  path: "/api/images/{imageId}/predict",
  operationId: "post_api_images_imageId_predict",
  tags: ["Images"],
  summary: "Auto-annotate an image",
  description: annotateDescription,
  request: { params: ImageIdParams, body: jsonBody(AnnotateImageBody) },
  responses: { 200: json(ImagePredictionResponse, "Predictions generated"), ...annotateErrors },
});

export const annotateDatasetImageRoute = createRoute({
  method: "post",
  path: "/api/datasets/{datasetId}/predict",
  operationId: "post_api_datasets_datasetId_predict",
  tags: ["Images"],
  summary: "Auto-annotate a dataset's image",
  description: `The docs' form: the image named by its hash; \`modelId\` defaults to the task's model. ${annotateDescription}`,
  request: {
    params: z.object({ datasetId: DatasetId.openapi({ param: { name: "datasetId", in: "path" } }) }),
    body: jsonBody(AnnotateDatasetImageBody),
  },
  responses: { 200: json(ImagePredictionResponse, "Predictions generated"), ...annotateErrors },
});

export const handleAnnotateImage: AppHandler<typeof annotateImageRoute> = async (c) => {
  const { deps, actor } = c.var;
  const { modelId, confidence, iou } = c.req.valid("json");
  const found = await getImage(deps, actor, c.req.valid("param").imageId);
  const answer = await annotateImage(deps, actor, found, { modelUri: modelId, confidence, iou });
  return c.json({ success: true as const, ...answer }, 200);
};

export const handleAnnotateDatasetImage: AppHandler<typeof annotateDatasetImageRoute> = async (c) => {
  const { deps, actor } = c.var;
  const { imageHash, modelId, confidence, iou } = c.req.valid("json");
  const found = await getImageByHash(deps, actor, { id: c.req.valid("param").datasetId }, imageHash);
  const answer = await annotateImage(deps, actor, found, { modelUri: modelId, confidence, iou });
  return c.json({ success: true as const, ...answer }, 200);
};
