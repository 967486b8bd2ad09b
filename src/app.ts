import { OpenAPIHono } from "@hono/zod-openapi";
import { hubCompat, isHubPath } from "./middleware/hub-compat";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import type { AppEnv } from "./context";
import { ApiError, codeForStatus, describeIssues, errorBody } from "./errors";
import { sessionConfigProblem } from "./auth/session";
import { provideDeps } from "./middleware/deps";
import { settingsOf, settingsProblem } from "./settings";
import { registerRoutes } from "./routes";
import { allowedMethods } from "./routes/mount";

/** `localQueueGateway`: workers/queue-gateway is bound (`npm run dev`), so its proxy routes are mounted. */
export function createApp(options: { localQueueGateway: boolean } = { localQueueGateway: false }) {
  const app = new OpenAPIHono<AppEnv>({
    // zod failures become VALIDATION_ERROR naming each field.
    defaultHook: (result) => {
      if (!result.success) throw new ApiError("VALIDATION_ERROR", describeIssues(result.error.issues, result.target));
    },
  });

  app.use("*", async (c, next) => {
    await next();
    c.res.headers.set("X-Content-Type-Options", "nosniff");
  });
  // A Worker has no start-up to refuse: a configuration that would accept foreign tokens refuses every request.
  // First, so that nothing after it (the timing middleware) reads settings that do not parse.
  app.use("*", async (c, next) => {
    const problem = sessionConfigProblem(c.env) ?? settingsProblem(c.env);
    if (problem) throw new ApiError("SERVICE_UNAVAILABLE", `EdgeHub is misconfigured: ${problem}`);
    await next();
  });
  app.use("*", requestId({ headerName: "X-Request-Id" }));
  // Timings tell a slow (found, private) lookup from a fast miss: only for local debugging.
  app.use(
    "*",
    timing({ totalDescription: "total", crossOrigin: true, enabled: (c) => settingsOf(c.env).DEBUG_TIMING }),
  );
  app.use("/api/*", provideDeps);
  app.use("/internal/*", provideDeps);
  for (const path of ["/v1/*", "/model-reset", "/get-export"]) app.use(path, hubCompat, provideDeps);

  app.onError((error, c) => {
    const apiError = toApiError(error);
    // Only the unexpected is logged: a 503 (queue down, model being prepared) is an answer, not a bug.
    if (apiError.code === "INTERNAL_ERROR") console.error(`[${c.var.requestId}]`, error);
    for (const [name, value] of Object.entries(apiError.headers)) c.header(name, value);
    // HUB clients read `success` (hub-sdk's key check reads nothing else).
    const hub = isHubPath(c.req.path) ? { success: false as const } : {};
    return c.json({ ...hub, ...errorBody(apiError) }, apiError.status);
  });

  app.notFound((c) => {
    const methods = allowedMethods(app, c.req.path);
    if (methods.length) {
      c.header("Allow", methods.join(", "));
      return c.json(
        errorBody(
          new ApiError(
            "METHOD_NOT_ALLOWED",
            `${c.req.method} is not allowed on ${c.req.path}; allowed: ${methods.join(", ")}`,
          ),
        ),
        405,
      );
    }
    return c.json(errorBody(new ApiError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`)), 404);
  });

  registerRoutes(app, options);
  return app;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    // Hono's own: malformed JSON (400), wrong content type, oversize bodies.
    const code = codeForStatus(error.status);
    return new ApiError(code, error.message || undefined);
  }
  return new ApiError("INTERNAL_ERROR");
}
