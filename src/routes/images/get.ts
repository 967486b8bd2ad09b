import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { describeImage } from "../../services/images";
import { json } from "../common/schemas";
import { toImage } from "./presenter";
import { ImageIdParams, ImageResponse } from "./schemas";

export const getImageRoute = createRoute({
  method: "get",
  path: "/api/images/{imageId}",
  operationId: "get_api_images_imageId",
  tags: ["Images"],
  summary: "Get an image",
  description: "An image's properties, metadata and labels, with its dataset's class names.",
  request: { params: ImageIdParams },
  responses: { 200: json(ImageResponse, "Image details"), ...errorResponses(400, 401, 404, 429) },
});

export const handleGetImage: AppHandler<typeof getImageRoute> = async (c) => {
  const { view, image, retained } = await describeImage(c.var.deps, c.var.actor, c.req.valid("param").imageId);
  return c.json(toImage(image, view, retained), 200);
};
