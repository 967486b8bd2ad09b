import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { getJobRoute, handleGetJob } from "./get";

/** What a job's owner reads; the runner-facing routes are in ../runners. */
export function registerJobRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, getJobRoute, handleGetJob);
}
