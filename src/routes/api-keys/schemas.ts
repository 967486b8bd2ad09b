import { z } from "@hono/zod-openapi";
import { KEY_SCOPES, type KeyScope } from "../../auth/scopes";
import { Timestamp } from "../common/schemas";

export const ApiKeyInfo = z
  .object({ keyId: z.string(), name: z.string(), keyPrefix: z.string(), createdAt: Timestamp })
  .openapi("ApiKeyInfo");

export const ListApiKeysResponse = z.object({ keys: z.array(ApiKeyInfo) }).openapi("ListApiKeysResponse");

export const ApiKeyCreate = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^(?=.*\S)[^\u0000-\u001f\u007f]+$/, "must contain a visible character and no control characters")
      .openapi({ example: "training-server" }),
    scopes: z
      .array(z.enum(KEY_SCOPES))
      .min(1)
      .max(KEY_SCOPES.length)
      .optional()
      .openapi({
        description: "EdgeHub: read (reads only), write (also changes), admin (also manages API keys; the default)",
        example: ["read"],
      }),
  })
  .openapi("ApiKeyCreate");

const Scopes = z
  .array(z.enum(KEY_SCOPES))
  .openapi({ description: "What the key may do: read, write, admin (each includes the ones before)" });

export const ApiKeyDetail = ApiKeyInfo.extend({ scopes: Scopes }).openapi("ApiKeyDetail");

export const CreatedApiKey = ApiKeyDetail.extend({
  key: z.string().openapi({
    description: "The key itself: shown once, store it now",
    example: "ul_0123456789abcdef0123456789abcdef01234567",
  }),
}).openapi("CreatedApiKey");

export function toApiKeyInfo(row: { id: string; name: string; keyPrefix: string; createdAt: Date }) {
  return { keyId: row.id, name: row.name, keyPrefix: row.keyPrefix, createdAt: row.createdAt.toISOString() };
}

export function toApiKeyDetail(row: {
  id: string;
  name: string;
  keyPrefix: string;
  createdAt: Date;
  scopes: KeyScope[];
}) {
  return { ...toApiKeyInfo(row), scopes: row.scopes };
}
