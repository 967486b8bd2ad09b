import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { createModelRoute, handleCreateModel } from "./create";
import { deleteModelByIdRoute, deleteModelRoute, handleDeleteModel, handleDeleteModelById } from "./delete";
import {
  handleModelFiles,
  handleModelFilesById,
  handleTrackModelDownload,
  modelFilesByIdRoute,
  modelFilesRoute,
  trackModelDownloadRoute,
} from "./files";
import { getModelByIdRoute, getModelRoute, handleGetModel, handleGetModelById } from "./get";
import {
  handleListCompletedModels,
  handleListModels,
  handleListOwnerProjectModels,
  listCompletedModelsRoute,
  listModelsRoute,
  listOwnerProjectModelsRoute,
} from "./list";
import { cloneModelByIdRoute, cloneModelRoute, handleCloneModel, handleCloneModelById } from "./clone";
import { handlePredict, handlePredictById, predictByIdRoute, predictRoute } from "./predict";
import { handlePredictToken, handlePredictWarmup, predictTokenRoute, predictWarmupRoute } from "./predict-session";
import * as training from "./training";
import { handleUpdateModel, handleUpdateModelById, updateModelByIdRoute, updateModelRoute } from "./update";

export function registerModelRoutes(app: OpenAPIHono<AppEnv>): void {
  // `completed` before the owner/project form, which would also match it.
  mount(app, listCompletedModelsRoute, handleListCompletedModels);
  mount(app, listModelsRoute, handleListModels);
  mount(app, createModelRoute, handleCreateModel);
  mount(app, listOwnerProjectModelsRoute, handleListOwnerProjectModels);
  mount(app, getModelByIdRoute, handleGetModelById);
  mount(app, getModelRoute, handleGetModel);
  mount(app, updateModelByIdRoute, handleUpdateModelById);
  mount(app, updateModelRoute, handleUpdateModel);
  mount(app, deleteModelByIdRoute, handleDeleteModelById);
  mount(app, deleteModelRoute, handleDeleteModel);
  mount(app, modelFilesByIdRoute, handleModelFilesById);
  mount(app, modelFilesRoute, handleModelFiles);
  mount(app, trackModelDownloadRoute, handleTrackModelDownload);
  // The form is read in the handler (a picture of up to 100 MB, fields beside it).
  mount(app, predictByIdRoute, handlePredictById, { validateBody: false });
  mount(app, predictRoute, handlePredict, { validateBody: false });
  mount(app, predictTokenRoute, handlePredictToken);
  mount(app, predictWarmupRoute, handlePredictWarmup);
  mount(app, cloneModelByIdRoute, handleCloneModelById);
  mount(app, cloneModelRoute, handleCloneModel);
  mount(app, training.getTrainingByIdRoute, training.handleGetTrainingById);
  mount(app, training.getTrainingRoute, training.handleGetTraining);
  mount(app, training.cancelTrainingByIdRoute, training.handleCancelTrainingById);
  mount(app, training.cancelTrainingRoute, training.handleCancelTraining);
}
