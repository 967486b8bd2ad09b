import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { SignedInActor } from "../auth/actor";
import type { AppEnv, AppHandler } from "../context";
import { ApiError } from "../errors";
import { gate } from "../middleware/gate";
import { idempotency } from "../middleware/idempotency";
import { nulFree } from "../middleware/nul-free";
import { operationRule, requiredScope } from "../operations";

/** JSON bodies above this are refused before parsing (metadata may hold 500,000 characters). */
export const MAX_JSON_BODY_BYTES = 2 * 1024 * 1024;

const jsonBodyLimit = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  onError: () => {
    throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_JSON_BODY_BYTES} bytes`);
  },
});

/**
 * Mounts one operation with the cross-cutting rules of its row in operations.ts in front:
 * authenticate -> access -> rate limit -> body cap -> no NULs -> idempotency -> zod validation -> handler.
 */
export function mount<R extends RouteConfig>(
  app: OpenAPIHono<AppEnv>,
  route: R,
  handler: AppHandler<R>,
  options: { validateBody?: boolean } = {},
): void {
  const rule = operationRule(route.operationId ?? `${route.method} ${route.path}`);
  const readsJsonBody = !rule.streamsBody && options.validateBody !== false;
  const middleware = [
    gate(rule, requiredScope(rule, route.method)),
    ...(rule.streamsBody ? [] : [jsonBodyLimit]),
    nulFree({ body: readsJsonBody }),
    ...(rule.idempotent ? [idempotency(rule)] : []),
  ];
  // Routed on a shape-constrained path, documented under the clean one.
  // validateBody false: the handler reads the raw body itself (a signature covers its bytes).
  const request = options.validateBody === false ? { ...route.request, body: undefined } : route.request;
  app.openapi({ ...route, request, path: routingPath(route.path), middleware, hide: true } as R, handler as never);
  app.openAPIRegistry.registerPath(route);
}

/**
 * Mounts an operation whose row admits only API keys and sessions, so its handler gets a
 * signed-in actor, typed so, without casts. A row that admits anyone else refuses to start.
 */
export function mountSignedIn<R extends RouteConfig>(
  app: OpenAPIHono<AppEnv>,
  route: R,
  handler: AppHandler<R, SignedInActor>,
  options: { validateBody?: boolean } = {},
): void {
  const access = operationRule(route.operationId ?? `${route.method} ${route.path}`).access;
  if (access !== "key" && access !== "session") {
    throw new Error(`${route.operationId}: mountSignedIn needs a key or session row, not ${access}`);
  }
  mount(app, route, handler as unknown as AppHandler<R>, options);
}

/**
 * The docs' id paths and the contract's owner/slug paths share shapes (`/api/projects/{projectId}`
 * and `/api/projects/{owner}`). Ids always hold an underscore (`prj_...`) and usernames never do,
 * so the router tells them apart before any validator runs; zod then checks the exact shape.
 */
export function routingPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === "owner") return `:${name}{[^/_]+}`;
    // Image ids are the contract's 24 hex characters and image hashes sha-256 hex: not `bulk` or `urls`.
    if (name === "imageId") return `:${name}{[0-9a-fA-F]{24}}`;
    if (name === "hash") return `:${name}{[0-9a-f]{64}}`;
    if (name.endsWith("Id")) return `:${name}{[a-z]+_[^/]+}`;
    return `:${name}`;
  });
}

let matchers: { method: string; pattern: RegExp }[] | undefined;

/** Methods some route serves on `path`: tells 405 from 404. */
export function allowedMethods(app: OpenAPIHono<AppEnv>, path: string): string[] {
  matchers ??= app.routes
    .filter((route) => route.method !== "ALL")
    .map((route) => ({
      method: route.method,
      // `:name` matches one segment, `:name{constraint}` what the router would match.
      pattern: new RegExp(
        `^${route.path.replace(/:\w+(?:\{([^}]+)\})?/g, (_, constraint?: string) => `(?:${constraint ?? "[^/]+"})`).replace(/\*/g, ".*")}/?$`,
      ),
    }));
  return [...new Set(matchers.filter((m) => m.pattern.test(path)).map((m) => m.method))];
}
