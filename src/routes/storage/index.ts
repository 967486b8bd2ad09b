import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mountSignedIn } from "../mount";
import { handleStorage, storageRoute } from "./get";

export function registerStorageRoutes(app: OpenAPIHono<AppEnv>): void {
  mountSignedIn(app, storageRoute, handleStorage);
}
