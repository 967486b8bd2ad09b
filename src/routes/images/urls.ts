import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { imageUrlsByHashes, imageUrlsByIds } from "../../services/images";
import { json, jsonBody } from "../common/schemas";
import { DatasetIdParams } from "../datasets/schemas";
import { HashUrlsBody, ImageUrlsBody, ImageUrlsResponse } from "./schemas";

export const imageUrlsRoute = createRoute({
  method: "post",
  path: "/api/images/urls",
  operationId: "post_api_images_urls",
  tags: ["Images"],
  summary: "Get signed image URLs",
  description:
    "Signed full-size and thumbnail URLs (1 h) of up to 100 images, keyed by image id; images the caller may not read are left out.",
  request: { body: jsonBody(ImageUrlsBody) },
  responses: { 200: json(ImageUrlsResponse, "Signed URLs"), ...errorResponses(400, 401, 404, 429) },
});

export const hashUrlsRoute = createRoute({
  method: "post",
  path: "/api/datasets/{datasetId}/images/urls",
  operationId: "post_api_datasets_datasetId_images_urls",
  tags: ["Images"],
  summary: "Get signed image URLs by hash",
  description: "The docs' form: signed URLs of up to 100 of the dataset's images, keyed by hash.",
  request: { params: DatasetIdParams, body: jsonBody(HashUrlsBody) },
  responses: { 200: json(ImageUrlsResponse, "Signed URLs"), ...errorResponses(400, 401, 404, 429) },
});

type Signed = Awaited<ReturnType<typeof imageUrlsByIds>>;

function keyed(signed: Signed, key: (entry: Signed[number]) => string) {
  const urls: Record<string, string> = {};
  const thumbnails: Record<string, string> = {};
  for (const entry of signed) {
    if (entry.imageUrl) urls[key(entry)] = entry.imageUrl;
    if (entry.thumbnailUrl) thumbnails[key(entry)] = entry.thumbnailUrl;
  }
  return { urls, thumbnails, depths: {} };
}

export const handleImageUrls: AppHandler<typeof imageUrlsRoute> = async (c) => {
  const signed = await imageUrlsByIds(c.var.deps, c.var.actor, c.req.valid("json").imageIds);
  return c.json(
    keyed(signed, (entry) => entry.image.id),
    200,
  );
};

export const handleHashUrls: AppHandler<typeof hashUrlsRoute> = async (c) => {
  const ref = { id: c.req.valid("param").datasetId };
  const signed = await imageUrlsByHashes(c.var.deps, c.var.actor, ref, c.req.valid("json").hashes);
  return c.json(
    keyed(signed, (entry) => entry.image.hash),
    200,
  );
};
