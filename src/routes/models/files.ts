import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { pairedRoutes } from "../paired";
import { errorResponses } from "../../errors";
import { modelFileUrls, trackModelDownload } from "../../services/models";
import { json } from "../common/schemas";
import { ModelFilesResponse, ModelIdParams, OwnerProjectModelParams, TrackDownloadResponse } from "./schemas";

export const { byOwner: modelFilesRoute, byId: modelFilesByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Models"],
    summary: "Download model files",
    description:
      "Short-lived signed download URLs (1 h, Range supported) of the model's current files: best.pt, last.pt, model.onnx and the files beside them.",
    responses: { 200: json(ModelFilesResponse, "Model files"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}/files",
      operationId: "get_api_models_owner_project_model_files",
      request: { params: OwnerProjectModelParams },
    },
    byId: {
      path: "/api/models/{modelId}/files",
      operationId: "get_api_models_modelId_files",
      request: { params: ModelIdParams },
    },
  },
);

export const trackModelDownloadRoute = createRoute({
  method: "post",
  path: "/api/models/{modelId}/track-download",
  operationId: "post_api_models_modelId_track_download",
  tags: ["Models"],
  summary: "Track a model download",
  description: "Counts a download of the model's weights.",
  request: { params: ModelIdParams },
  responses: { 200: json(TrackDownloadResponse, "Counted"), ...errorResponses(400, 401, 404, 429) },
});

export const handleModelFiles: AppHandler<typeof modelFilesRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  return c.json({ files: await modelFileUrls(c.var.deps, c.var.actor, { owner, project, slug: model }) }, 200);
};

export const handleModelFilesById: AppHandler<typeof modelFilesByIdRoute> = async (c) =>
  c.json({ files: await modelFileUrls(c.var.deps, c.var.actor, { id: c.req.valid("param").modelId }) }, 200);

export const handleTrackModelDownload: AppHandler<typeof trackModelDownloadRoute> = async (c) => {
  await trackModelDownload(c.var.deps, c.var.actor, { id: c.req.valid("param").modelId });
  return c.json({ success: true as const }, 200);
};
