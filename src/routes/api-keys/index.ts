import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppEnv, AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { createKey, deleteKey, listKeys } from "../../services/api-keys";
import { json, jsonBody } from "../common/schemas";
import { mountSignedIn } from "../mount";
import { getApiKeyRoute, handleGetApiKey } from "./get";
import { ApiKeyCreate, CreatedApiKey, ListApiKeysResponse, toApiKeyDetail, toApiKeyInfo } from "./schemas";

export const listApiKeysRoute = createRoute({
  method: "get",
  path: "/api/api-keys",
  operationId: "get_api_api_keys",
  tags: ["Account"],
  summary: "List API keys",
  description: "Returns active API key metadata for the caller's workspace (never the keys).",
  responses: { 200: json(ListApiKeysResponse, "Active API keys"), ...errorResponses(401, 403, 429) },
});

export const createApiKeyRoute = createRoute({
  method: "post",
  path: "/api/api-keys",
  operationId: "post_api_api_keys",
  tags: ["Account"],
  summary: "Create an API key",
  description:
    "Creates a key (`ul_` + 40 hex). The key is in this answer only; EdgeHub stores its SHA-256 hash. Needs a session or an admin key. A retry under the same Idempotency-Key answers 409 (the key is never stored to replay).",
  request: { body: jsonBody(ApiKeyCreate) },
  responses: { 201: json(CreatedApiKey, "The new key"), ...errorResponses(400, 401, 403, 409, 429) },
});

export const deleteApiKeyRoute = createRoute({
  method: "delete",
  path: "/api/api-keys",
  operationId: "delete_api_api_keys",
  tags: ["Account"],
  summary: "Revoke an API key",
  description: "Revokes the key at once, on every edge location. Needs a session or an admin key.",
  request: { query: z.object({ keyId: z.string().min(1).max(64).openapi({ description: "API key ID to revoke" }) }) },
  responses: {
    200: json(z.object({ success: z.literal(true) }), "Key revoked"),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const handleList: AppHandler<typeof listApiKeysRoute, SignedInActor> = async (c) => {
  const rows = await listKeys(c.var.deps, c.var.actor);
  return c.json({ keys: rows.map(toApiKeyInfo) }, 200);
};

const handleCreate: AppHandler<typeof createApiKeyRoute, SignedInActor> = async (c) => {
  const created = await createKey(c.var.deps, c.var.actor, c.req.valid("json"));
  return c.json({ ...toApiKeyDetail(created), key: created.key }, 201);
};

const handleDelete: AppHandler<typeof deleteApiKeyRoute, SignedInActor> = async (c) => {
  await deleteKey(c.var.deps, c.var.actor, c.req.valid("query").keyId);
  return c.json({ success: true as const }, 200);
};

export function registerApiKeyRoutes(app: OpenAPIHono<AppEnv>): void {
  mountSignedIn(app, listApiKeysRoute, handleList);
  mountSignedIn(app, createApiKeyRoute, handleCreate);
  mountSignedIn(app, getApiKeyRoute, handleGetApiKey);
  mountSignedIn(app, deleteApiKeyRoute, handleDelete);
}
