import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import * as files from "./files";
import { handleTrainingMetrics, trainingMetricsRoute } from "./training-metrics";

/** What the ultralytics package calls while it trains (CLIENTS.md §3), under its own rate category. */
export function registerWebhookRoutes(app: OpenAPIHono<AppEnv>): void {
  // The body is read raw (Python's NaN is not JSON): documented with its schema, validated in the handler.
  mount(app, trainingMetricsRoute, handleTrainingMetrics, { validateBody: false });
  mount(app, files.checkpointUrlRoute, files.handleCheckpointUrl);
  mount(app, files.putCheckpointRoute, files.handlePutCheckpoint);
  mount(app, files.datasetExportRedirectRoute, files.handleDatasetExportRedirect);
  mount(app, files.modelDownloadRedirectRoute, files.handleModelDownloadRedirect);
}
