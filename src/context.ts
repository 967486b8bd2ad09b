import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { TimingVariables } from "hono/timing";
import type { Actor } from "./auth/actor";
import type { Database } from "./db/client";
import type { Env } from "./env";

/** What services get instead of a Hono context: bindings, a lazily opened database, a clock. */
export interface Deps {
  env: Env;
  readonly db: Database;
  bucket: R2Bucket;
  now(): Date;
  /** Origin used in signed URLs. */
  baseUrl: string;
  waitUntil(promise: Promise<unknown>): void;
}

/** `A`: who the route's handler can be called by (mountSignedIn narrows it to a signed-in actor). */
export type AppEnv<A extends Actor = Actor> = {
  Bindings: Env;
  Variables: TimingVariables & {
    requestId: string;
    actor: A;
    deps: Deps;
  };
};

export type AppHandler<R extends RouteConfig, A extends Actor = Actor> = RouteHandler<R, AppEnv<A>>;
