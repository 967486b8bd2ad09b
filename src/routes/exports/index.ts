import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { createExportRoute, createModelExportRoute, handleCreateExport, handleCreateModelExport } from "./create";
import { deleteExportRoute, deleteModelExportRoute, handleDeleteExport, handleDeleteModelExport } from "./delete";
import { getExportRoute, getModelExportRoute, handleGetExport, handleGetModelExport } from "./get";
import { handleListExports, handleListModelExports, listExportsRoute, listModelExportsRoute } from "./list";
import { handleTrackExportDownload, trackExportDownloadRoute } from "./track-download";

export function registerExportRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, listExportsRoute, handleListExports);
  mount(app, createExportRoute, handleCreateExport);
  mount(app, getExportRoute, handleGetExport);
  mount(app, deleteExportRoute, handleDeleteExport);
  mount(app, trackExportDownloadRoute, handleTrackExportDownload);
  mount(app, listModelExportsRoute, handleListModelExports);
  mount(app, createModelExportRoute, handleCreateModelExport);
  mount(app, getModelExportRoute, handleGetModelExport);
  mount(app, deleteModelExportRoute, handleDeleteModelExport);
}
