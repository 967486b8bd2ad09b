import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mountSignedIn } from "../mount";
import { accountSummaryRoute, handleAccountSummary } from "./summary";

export function registerAccountRoutes(app: OpenAPIHono<AppEnv>): void {
  mountSignedIn(app, accountSummaryRoute, handleAccountSummary);
}
