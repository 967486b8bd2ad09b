import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount, mountSignedIn } from "../mount";
import * as versions from "./export";
import { handleIngest, handleIngestById, ingestByIdRoute, ingestRoute } from "./ingest";
import { handleRestore, handleRestoreById, restoreByIdRoute, restoreRoute } from "./restore";
import { createDatasetRoute, handleCreateDataset } from "./create";
import { deleteDatasetByIdRoute, deleteDatasetRoute, handleDeleteDataset, handleDeleteDatasetById } from "./delete";
import { getDatasetByIdRoute, getDatasetRoute, handleGetDataset, handleGetDatasetById } from "./get";
import { handleListDatasets, handleListOwnerDatasets, listDatasetsRoute, listOwnerDatasetsRoute } from "./list";
import { datasetModelsByIdRoute, datasetModelsRoute, handleDatasetModels, handleDatasetModelsById } from "./models";
import { handleUpdateDataset, handleUpdateDatasetById, updateDatasetByIdRoute, updateDatasetRoute } from "./update";

export function registerDatasetRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, listDatasetsRoute, handleListDatasets);
  mount(app, createDatasetRoute, handleCreateDataset);
  mount(app, listOwnerDatasetsRoute, handleListOwnerDatasets);
  mount(app, getDatasetByIdRoute, handleGetDatasetById);
  mount(app, getDatasetRoute, handleGetDataset);
  mount(app, updateDatasetByIdRoute, handleUpdateDatasetById);
  mount(app, updateDatasetRoute, handleUpdateDataset);
  mount(app, deleteDatasetByIdRoute, handleDeleteDatasetById);
  mount(app, deleteDatasetRoute, handleDeleteDataset);
  mount(app, datasetModelsByIdRoute, handleDatasetModelsById);
  mount(app, datasetModelsRoute, handleDatasetModels);
  mountSignedIn(app, ingestByIdRoute, handleIngestById);
  mountSignedIn(app, ingestRoute, handleIngest);
  mount(app, versions.getExportByIdRoute, versions.handleGetExportById);
  mount(app, versions.getExportRoute, versions.handleGetExport);
  mount(app, versions.createVersionByIdRoute, versions.handleCreateVersionById);
  mount(app, versions.createVersionRoute, versions.handleCreateVersion);
  mount(app, versions.describeVersionByIdRoute, versions.handleDescribeVersionById);
  mount(app, versions.describeVersionRoute, versions.handleDescribeVersion);
  mount(app, restoreByIdRoute, handleRestoreById);
  mount(app, restoreRoute, handleRestore);
}
