import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { getImage, updateImage } from "../../services/images";
import { json, jsonBody } from "../common/schemas";
import { ImageIdParams, ImageUpdate, UpdateImageResponse } from "./schemas";

export const updateImageRoute = createRoute({
  method: "patch",
  path: "/api/images/{imageId}",
  operationId: "patch_api_images_imageId",
  tags: ["Images"],
  summary: "Update an image",
  description:
    "Replaces the image's `labels` (YOLO normalised; checked against the dataset's task, classes and kpt_shape: a bad label is a 400 naming it, and nothing changes), or its `metadata`, or moves it to another `split` (409 when that split holds an image of its name).",
  request: { params: ImageIdParams, body: jsonBody(ImageUpdate) },
  responses: { 200: json(UpdateImageResponse, "Image updated"), ...errorResponses(400, 401, 403, 404, 409, 429) },
});

export const handleUpdateImage: AppHandler<typeof updateImageRoute> = async (c) => {
  const { deps, actor } = c.var;
  const patch = c.req.valid("json");
  const image = await updateImage(deps, actor, await getImage(deps, actor, c.req.valid("param").imageId), patch);
  if ("labels" in patch)
    return c.json({ success: true as const, labels: image.labels, labelCount: image.labelCount }, 200);
  return c.json({ metadata: image.metadata, updatedAt: image.updatedAt.toISOString() }, 200);
};
