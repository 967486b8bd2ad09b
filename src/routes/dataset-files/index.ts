import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { handleSetImage, setImageRoute } from "./image";
import { handleNdjson, handleNdjsonQuery, ndjsonQueryRoute, ndjsonRoute } from "./ndjson";

/** What a dataset's NDJSON links to: the file itself, and its pictures, each by signed URL. */
export function registerDatasetFileRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, ndjsonRoute, handleNdjson);
  mount(app, ndjsonQueryRoute, handleNdjsonQuery);
  mount(app, setImageRoute, handleSetImage);
}
