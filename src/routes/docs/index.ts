import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "../../context";

/** Where the API reference's script is served from EdgeHub's own static assets (see scripts/copy-assets.ts). */
export const SCALAR_SCRIPT_PATH = "/static/scalar/standalone.js";

export function registerDocsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "BearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key (`ul_` + 40 hex) or a browser session JWT",
  });
  // Generated from the routes once per isolate (generation takes milliseconds).
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/api/openapi.json", (c) =>
    c.json(
      (document ??= app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "EdgeHub API",
          version: "0.1.0",
          description:
            "Self-hostable ML platform API compatible with the Ultralytics Platform REST API. Errors are `{error, code}`; id paths (`/api/projects/{projectId}`) and owner/slug paths (`/api/projects/{owner}/{project}`) reach the same handlers.",
        },
        security: [{ BearerAuth: [] }],
      })),
    ),
  );
  // Offline-capable: the script comes from our assets, never a CDN.
  app.get(
    "/api/docs",
    Scalar({ url: "/api/openapi.json", cdn: SCALAR_SCRIPT_PATH, withDefaultFonts: false, pageTitle: "EdgeHub API" }),
  );
}
