import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { registerAccountRoutes } from "./account";
import { registerApiKeyRoutes } from "./api-keys";
import { registerDatasetFileRoutes } from "./dataset-files";
import { registerDatasetRoutes } from "./datasets";
import { registerDocsRoutes } from "./docs";
import { registerFileRoutes } from "./files";
import { registerHealthRoutes } from "./health";
import { registerImageRoutes } from "./images";
import { registerExportRoutes } from "./exports";
import { registerJobRoutes } from "./jobs";
import { registerModelRoutes } from "./models";
import { registerProjectRoutes } from "./projects";
import { registerQueueRoutes } from "./queues";
import { registerRunnerRoutes } from "./runners";
import { registerStorageRoutes } from "./storage";
import { registerTrashRoutes } from "./trash";
import { registerUploadRoutes } from "./upload";

export function registerRoutes(app: OpenAPIHono<AppEnv>, options: { localQueueGateway: boolean }): void {
  registerHealthRoutes(app);
  registerAccountRoutes(app);
  registerApiKeyRoutes(app);
  registerProjectRoutes(app);
  registerDatasetRoutes(app);
  registerImageRoutes(app);
  registerModelRoutes(app);
  registerExportRoutes(app);
  registerJobRoutes(app);
  registerRunnerRoutes(app);
  if (options.localQueueGateway) registerQueueRoutes(app);
  registerTrashRoutes(app);
  registerUploadRoutes(app);
  registerFileRoutes(app);
  registerDatasetFileRoutes(app);
  registerStorageRoutes(app);
  registerDocsRoutes(app);
}
