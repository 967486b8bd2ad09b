import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { registerAccountRoutes } from "./account";
import { registerApiKeyRoutes } from "./api-keys";
import { registerDocsRoutes } from "./docs";
import { registerHealthRoutes } from "./health";
import { registerProjectRoutes } from "./projects";
import { registerTrashRoutes } from "./trash";

export function registerRoutes(app: OpenAPIHono<AppEnv>): void {
  registerHealthRoutes(app);
  registerAccountRoutes(app);
  registerApiKeyRoutes(app);
  registerProjectRoutes(app);
  registerTrashRoutes(app);
  registerDocsRoutes(app);
}
