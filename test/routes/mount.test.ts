import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/context";
import { mount, mountSignedIn } from "../../src/routes/mount";

const routeFor = (operationId: string) =>
  createRoute({
    method: "get",
    path: `/test/${operationId}`,
    operationId,
    responses: { 200: { description: "ok", content: { "application/json": { schema: z.object({}) } } } },
  });

describe("mount", () => {
  it("refuses to start a route without a row in src/operations.ts", () => {
    expect(() => mount(new OpenAPIHono<AppEnv>(), routeFor("get_api_nothing_here"), (c) => c.json({}, 200))).toThrow(
      /has no row in src\/operations\.ts/,
    );
  });

  it("hands a signed-in actor only to key or session rows: a public row refuses to start", () => {
    expect(() => mountSignedIn(new OpenAPIHono<AppEnv>(), routeFor("get_api_health"), (c) => c.json({}, 200))).toThrow(
      /needs a key or session row, not public/,
    );
    expect(() =>
      mountSignedIn(new OpenAPIHono<AppEnv>(), routeFor("get_api_storage"), (c) => c.json({}, 200)),
    ).not.toThrow();
  });
});
