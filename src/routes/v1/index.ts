import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { handleHubAuth, hubAuthRoute } from "./auth";
import * as exports from "./exports";
import * as models from "./models";
import * as edits from "./resource-edits";
import * as resources from "./resources";
import * as sessions from "./sessions";

/** The HUB v1 API (hub-sdk, `ultralytics.hub`), over the same services and tables as /api. */
export function registerHubRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, hubAuthRoute, handleHubAuth);
  mount(app, models.hubListModelsRoute, models.handleHubListModels);
  mount(app, models.hubCreateModelRoute, models.handleHubCreateModel);
  mount(app, models.hubGetModelRoute, models.handleHubGetModel);
  mount(app, models.hubUpdateModelRoute, models.handleHubUpdateModel);
  mount(app, models.hubDeleteModelRoute, models.handleHubDeleteModel);
  mount(app, sessions.hubMetricsUploadRoute, sessions.handleHubMetricsUpload);
  mount(app, sessions.hubMetricsRoute, sessions.handleHubMetrics);
  mount(app, sessions.hubHeartbeatRoute, sessions.handleHubHeartbeat);
  // The multipart body is read in the handler.
  mount(app, sessions.hubUploadRoute, sessions.handleHubUpload, { validateBody: false });
  mount(app, exports.hubExportRoute, exports.handleHubExport);
  mount(app, exports.hubGetExportRoute, exports.handleHubGetExport);
  mount(app, exports.hubResetRoute, exports.handleHubReset);
  mount(app, resources.hubProjectsRoute, resources.handleHubProjects);
  mount(app, resources.hubProjectRoute, resources.handleHubProject);
  mount(app, resources.hubDatasetsRoute, resources.handleHubDatasets);
  mount(app, resources.hubDatasetRoute, resources.handleHubDataset);
  mount(app, edits.hubCreateProjectRoute, edits.handleHubCreateProject);
  mount(app, edits.hubUpdateProjectRoute, edits.handleHubUpdateProject);
  mount(app, edits.hubDeleteProjectRoute, edits.handleHubDeleteProject);
  mount(app, edits.hubCreateDatasetRoute, edits.handleHubCreateDataset);
  mount(app, edits.hubUpdateDatasetRoute, edits.handleHubUpdateDataset);
  mount(app, edits.hubDeleteDatasetRoute, edits.handleHubDeleteDataset);
  // The multipart body is read in the handler.
  mount(app, edits.hubUploadDatasetRoute, edits.handleHubUploadDataset, { validateBody: false });
  // The form is read in the handler (a picture of up to 100 MB).
  mount(app, resources.hubPredictRoute, resources.handleHubPredict, { validateBody: false });
}
