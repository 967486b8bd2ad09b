import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import {
  createExport,
  deleteExport,
  exportDownloadUrl,
  getExport,
  listModelExports,
  trackExportDownload,
} from "../../services/exports";
import { json, jsonBody } from "../common/schemas";
import { TrackDownloadResponse, OwnerProjectModelParams } from "../models/schemas";
import { mount } from "../mount";
import { toCreatedExport, toExport } from "./presenter";
import {
  CreateExportResponse,
  DeleteExportResponse,
  ExportCreate,
  ExportDetailResponse,
  ExportIdParams,
  ListExportsQuery,
  ListExportsResponse,
  ListModelExportsQuery,
  ModelExportCreate,
  OwnerModelExportParams,
} from "./schemas";

const tags = ["Exports"];

export const listExportsRoute = createRoute({
  method: "get",
  path: "/api/exports",
  operationId: "get_api_exports",
  tags,
  summary: "List exports",
  description: "A model's exports, newest first, optionally by status.",
  request: { query: ListExportsQuery },
  responses: { 200: json(ListExportsResponse, "Exports"), ...errorResponses(400, 401, 404, 429) },
});
export const listModelExportsRoute = createRoute({
  method: "get",
  path: "/api/models/{owner}/{project}/{model}/exports",
  operationId: "get_api_models_owner_project_model_exports",
  tags,
  summary: "List model exports",
  description: "A model's exports, newest first, optionally by status.",
  request: { params: OwnerProjectModelParams, query: ListModelExportsQuery },
  responses: { 200: json(ListExportsResponse, "Exports"), ...errorResponses(400, 401, 404, 429) },
});

const createDescription =
  "Queues a conversion of the model's weights. `engine` (TensorRT) needs `gpuType`, runs on a GPU runner and reserves credits (402 without them); other formats run on CPU runners. The same format and arguments while one is still queued or running answers that export. Honours Idempotency-Key.";
export const createExportRoute = createRoute({
  method: "post",
  path: "/api/exports",
  operationId: "post_api_exports",
  tags,
  summary: "Create an export",
  description: createDescription,
  request: { body: jsonBody(ExportCreate) },
  responses: {
    201: json(CreateExportResponse, "Export queued"),
    ...errorResponses(400, 401, 402, 403, 404, 409, 429, 503),
  },
});
export const createModelExportRoute = createRoute({
  method: "post",
  path: "/api/models/{owner}/{project}/{model}/exports",
  operationId: "post_api_models_owner_project_model_exports",
  tags,
  summary: "Export a model",
  description: createDescription,
  request: { params: OwnerProjectModelParams, body: jsonBody(ModelExportCreate) },
  responses: {
    201: json(CreateExportResponse, "Export queued"),
    ...errorResponses(400, 401, 402, 403, 404, 409, 429, 503),
  },
});

const getDescription = "One export with its status, error, and a signed download URL once complete.";
export const getExportRoute = createRoute({
  method: "get",
  path: "/api/exports/{exportId}",
  operationId: "get_api_exports_exportId",
  tags,
  summary: "Get export status",
  description: getDescription,
  request: { params: ExportIdParams },
  responses: { 200: json(ExportDetailResponse, "Export"), ...errorResponses(400, 401, 404, 429) },
});
export const getModelExportRoute = createRoute({
  method: "get",
  path: "/api/models/{owner}/{project}/{model}/exports/{exportId}",
  operationId: "get_api_models_owner_project_model_exports_exportId",
  tags,
  summary: "Get export status",
  description: getDescription,
  request: { params: OwnerModelExportParams },
  responses: { 200: json(ExportDetailResponse, "Export"), ...errorResponses(400, 401, 404, 429) },
});

const deleteDescription =
  "Cancels a queued or running export (its runner stops), or deletes a finished one with its file.";
export const deleteExportRoute = createRoute({
  method: "delete",
  path: "/api/exports/{exportId}",
  operationId: "delete_api_exports_exportId",
  tags,
  summary: "Cancel or delete an export",
  description: deleteDescription,
  request: { params: ExportIdParams },
  responses: {
    200: json(DeleteExportResponse, "Cancelled or deleted"),
    ...errorResponses(400, 401, 403, 404, 409, 429),
  },
});
export const deleteModelExportRoute = createRoute({
  method: "delete",
  path: "/api/models/{owner}/{project}/{model}/exports/{exportId}",
  operationId: "delete_api_models_owner_project_model_exports_exportId",
  tags,
  summary: "Cancel or delete an export",
  description: deleteDescription,
  request: { params: OwnerModelExportParams },
  responses: {
    200: json(DeleteExportResponse, "Cancelled or deleted"),
    ...errorResponses(400, 401, 403, 404, 409, 429),
  },
});

export const trackExportDownloadRoute = createRoute({
  method: "post",
  path: "/api/exports/{exportId}/track-download",
  operationId: "post_api_exports_exportId_track_download",
  tags,
  summary: "Track an export download",
  description: "Counts a download of the export's file.",
  request: { params: ExportIdParams },
  responses: { 200: json(TrackDownloadResponse, "Counted"), ...errorResponses(400, 401, 404, 429) },
});

const handleList: AppHandler<typeof listExportsRoute> = async (c) => {
  const { modelId, ...params } = c.req.valid("query");
  const { view, exports, isEditor } = await listModelExports(c.var.deps, c.var.actor, { id: modelId }, params);
  return c.json(
    {
      exports: await Promise.all(
        exports.map(async (e) => toExport(e, await exportDownloadUrl(c.var.deps, e), true, isEditor)),
      ),
      region: view.region,
    },
    200,
  );
};
const handleListOfModel: AppHandler<typeof listModelExportsRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  const { view, exports, isEditor } = await listModelExports(
    c.var.deps,
    c.var.actor,
    { owner, project, slug: model },
    c.req.valid("query"),
  );
  return c.json(
    {
      exports: await Promise.all(
        exports.map(async (e) => toExport(e, await exportDownloadUrl(c.var.deps, e), false, isEditor)),
      ),
      region: view.region,
    },
    200,
  );
};
const handleCreate: AppHandler<typeof createExportRoute> = async (c) => {
  const { modelId, ...request } = c.req.valid("json");
  const { view, exportView } = await createExport(c.var.deps, c.var.actor, { id: modelId }, request);
  return c.json(toCreatedExport(exportView, view.region, true), 201);
};
const handleCreateForModel: AppHandler<typeof createModelExportRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  const { view, exportView } = await createExport(
    c.var.deps,
    c.var.actor,
    { owner, project, slug: model },
    c.req.valid("json"),
  );
  return c.json(toCreatedExport(exportView, view.region), 201);
};
const handleGet: AppHandler<typeof getExportRoute> = async (c) => {
  const { exportView, isEditor } = await getExport(c.var.deps, c.var.actor, c.req.valid("param").exportId);
  return c.json({ export: toExport(exportView, await exportDownloadUrl(c.var.deps, exportView), true, isEditor) }, 200);
};
const handleGetOfModel: AppHandler<typeof getModelExportRoute> = async (c) => {
  const { owner, project, model, exportId } = c.req.valid("param");
  const { exportView, isEditor } = await getExport(c.var.deps, c.var.actor, exportId, { owner, project, slug: model });
  return c.json(
    { export: toExport(exportView, await exportDownloadUrl(c.var.deps, exportView), false, isEditor) },
    200,
  );
};
const handleDelete: AppHandler<typeof deleteExportRoute> = async (c) =>
  c.json(
    { success: true as const, action: await deleteExport(c.var.deps, c.var.actor, c.req.valid("param").exportId) },
    200,
  );
const handleDeleteOfModel: AppHandler<typeof deleteModelExportRoute> = async (c) => {
  const { owner, project, model, exportId } = c.req.valid("param");
  return c.json(
    {
      success: true as const,
      action: await deleteExport(c.var.deps, c.var.actor, exportId, { owner, project, slug: model }),
    },
    200,
  );
};
const handleTrack: AppHandler<typeof trackExportDownloadRoute> = async (c) => {
  await trackExportDownload(c.var.deps, c.var.actor, c.req.valid("param").exportId);
  return c.json({ success: true as const }, 200);
};

export function registerExportRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, listExportsRoute, handleList);
  mount(app, createExportRoute, handleCreate);
  mount(app, getExportRoute, handleGet);
  mount(app, deleteExportRoute, handleDelete);
  mount(app, trackExportDownloadRoute, handleTrack);
  mount(app, listModelExportsRoute, handleListOfModel);
  mount(app, createModelExportRoute, handleCreateForModel);
  mount(app, getModelExportRoute, handleGetOfModel);
  mount(app, deleteModelExportRoute, handleDeleteOfModel);
}
