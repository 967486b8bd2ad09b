import { createRoute, z } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { storageInfo } from "../../services/storage";
import { json } from "../common/schemas";
import { toStorageInfo } from "./presenter";
import { StorageInfoResponse } from "./schemas";

export const storageRoute = createRoute({
  method: "get",
  path: "/api/storage",
  operationId: "get_api_storage",
  tags: ["Account"],
  summary: "Storage usage",
  description: "Storage used by category, against the plan's limit; with details=true, the largest items.",
  request: { query: z.object({ details: z.enum(["true", "false"]).default("false") }) },
  responses: { 200: json(StorageInfoResponse, "Storage usage breakdown"), ...errorResponses(400, 401, 403, 429) },
});

export const handleStorage: AppHandler<typeof storageRoute, SignedInActor> = async (c) => {
  const info = await storageInfo(c.var.deps, c.var.actor, c.req.valid("query").details === "true");
  return c.json(toStorageInfo(info), 200);
};
