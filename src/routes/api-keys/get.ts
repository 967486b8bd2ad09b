import { createRoute, z } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { getKey } from "../../services/api-keys";
import { json } from "../common/schemas";
import { ApiKeyDetail, toApiKeyDetail } from "./schemas";

export const getApiKeyRoute = createRoute({
  method: "get",
  path: "/api/api-keys/{keyId}",
  operationId: "get_api_api_keys_keyId",
  tags: ["Account"],
  summary: "Get an API key",
  description:
    "EdgeHub: one active key's metadata and scopes (never the key). The contract's list stays without scopes.",
  request: { params: z.object({ keyId: z.string().min(1).max(64).openapi({ description: "API key ID" }) }) },
  responses: { 200: json(ApiKeyDetail, "The key's metadata"), ...errorResponses(401, 404, 429) },
});

export const handleGetApiKey: AppHandler<typeof getApiKeyRoute, SignedInActor> = async (c) => {
  const row = await getKey(c.var.deps, c.var.actor, c.req.valid("param").keyId);
  return c.json(toApiKeyDetail(row), 200);
};
