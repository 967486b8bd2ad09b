import { createRoute, z } from "@hono/zod-openapi";
import { isSignedIn } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { json } from "../common/schemas";

export const hubAuthRoute = createRoute({
  method: "post",
  path: "/v1/auth",
  operationId: "post_v1_auth",
  tags: ["HUB v1"],
  summary: "Check an API key (hub-sdk, yolo login)",
  description:
    "`x-api-key` (or Bearer) checked as /api checks it. hub-sdk reads only `success`: true for a valid key; a missing or refused key answers 401 with `success: false`.",
  responses: {
    200: json(z.object({ success: z.boolean(), data: z.object({ username: z.string() }).optional() }), "Checked"),
    401: json(z.object({ success: z.literal(false), error: z.string(), code: z.string() }), "No valid key"),
  },
});

export const handleHubAuth: AppHandler<typeof hubAuthRoute> = async (c) => {
  const actor = c.var.actor;
  if (!isSignedIn(actor))
    return c.json({ success: false as const, error: "API key required", code: "UNAUTHORIZED" }, 401);
  return c.json({ success: true, data: { username: actor.username } }, 200);
};
