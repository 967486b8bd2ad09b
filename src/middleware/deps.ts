import type { MiddlewareHandler } from "hono";
import { setMetric } from "hono/timing";
import type { AppEnv, Deps } from "../context";
import { openDb, type DbHandle } from "../db/client";

/** Builds the request's Deps; the database opens on first use and closes after the response. */
export const provideDeps: MiddlewareHandler<AppEnv> = async (c, next) => {
  let handle: DbHandle | undefined;
  const env = c.env;
  const deps: Deps = {
    env,
    get db() {
      handle ??= openDb(env);
      return handle.db;
    },
    bucket: env.BUCKET,
    now: () => new Date(),
    baseUrl: env.PUBLIC_BASE_URL || new URL(c.req.url).origin,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
  };
  c.set("deps", deps);
  try {
    await next();
  } finally {
    if (handle) {
      setMetric(c, "db", handle.elapsedMs());
      c.executionCtx.waitUntil(handle.close());
    }
  }
};
