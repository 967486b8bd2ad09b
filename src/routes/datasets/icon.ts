import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { ICON_MAX_BYTES, readDatasetIcon, removeDatasetIcon, setDatasetIcon } from "../../services/icons";
import { iconFileOf, iconResponse } from "../common/icon";
import { json } from "../common/schemas";
import { DatasetIdParams } from "./schemas";

const Success = z.object({ success: z.literal(true) });

export const uploadDatasetIconRoute = createRoute({
  method: "post",
  path: "/api/datasets/{datasetId}/icon",
  operationId: "post_api_datasets_datasetId_icon",
  tags: ["Datasets"],
  summary: "Upload a dataset icon",
  description: `Multipart form with an image \`file\` (PNG, JPEG, WebP or GIF, at most ${ICON_MAX_BYTES} bytes). Browser session only.`,
  request: { params: DatasetIdParams },
  responses: { 200: json(Success, "Icon stored"), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
});

export const deleteDatasetIconRoute = createRoute({
  method: "delete",
  path: "/api/datasets/{datasetId}/icon",
  operationId: "delete_api_datasets_datasetId_icon",
  tags: ["Datasets"],
  summary: "Remove a dataset icon",
  description: "Browser session only.",
  request: { params: DatasetIdParams },
  responses: { 200: json(Success, "Icon removed"), ...errorResponses(401, 403, 404, 429) },
});

export const getDatasetIconRoute = createRoute({
  method: "get",
  path: "/api/datasets/{datasetId}/icon",
  operationId: "get_api_datasets_datasetId_icon",
  tags: ["Datasets"],
  summary: "Get a dataset icon",
  description: "The icon image, for anyone who may read the dataset (a dataset's `iconImage` points here).",
  request: { params: DatasetIdParams },
  responses: { 200: { description: "The image" }, ...errorResponses(401, 404, 429) },
});

export const handleUploadDatasetIcon: AppHandler<typeof uploadDatasetIconRoute> = async (c) => {
  await setDatasetIcon(c.var.deps, c.var.actor, { id: c.req.valid("param").datasetId }, await iconFileOf(c));
  return c.json({ success: true as const }, 200);
};

export const handleDeleteDatasetIcon: AppHandler<typeof deleteDatasetIconRoute> = async (c) => {
  await removeDatasetIcon(c.var.deps, c.var.actor, { id: c.req.valid("param").datasetId });
  return c.json({ success: true as const }, 200);
};

export const handleGetDatasetIcon: AppHandler<typeof getDatasetIconRoute> = async (c) =>
  iconResponse(await readDatasetIcon(c.var.deps, c.var.actor, { id: c.req.valid("param").datasetId })) as never;
