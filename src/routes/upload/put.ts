import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import { openSessionFor, storePart } from "../../services/uploads";
import { storeObject } from "../../storage/multipart";
import { verifyTransfer } from "../../storage/signed-url";
import { json } from "../common/schemas";
import { SessionParams, TokenQuery } from "./schemas";

const Stored = z.object({ success: z.literal(true), etag: z.string(), size: z.number() });
const binaryBody = { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } };

export const putObjectRoute = createRoute({
  method: "put",
  path: "/api/upload/{sessionId}/object",
  operationId: "put_api_upload_sessionId_object",
  tags: ["Upload"],
  summary: "Upload a file to its signed URL",
  description:
    "The signed URL from POST /api/upload/signed-url. No auth header: the token is the authority. Content-Length and Content-Type must match what was signed.",
  security: [],
  request: { params: SessionParams, query: TokenQuery, body: binaryBody },
  responses: { 200: json(Stored, "Bytes stored"), ...errorResponses(400, 401, 403, 404, 409, 415) },
});

export const putPartRoute = createRoute({
  method: "put",
  path: "/api/upload/{sessionId}/parts/{partNumber}",
  operationId: "put_api_upload_sessionId_parts_partNumber",
  tags: ["Upload"],
  summary: "Upload one part of a multipart file",
  description: "One of the `parts` URLs. A failed part can be sent again alone; the last one received counts.",
  security: [],
  request: {
    params: SessionParams.extend({
      partNumber: z.coerce
        .number()
        .int()
        .min(1)
        .max(10_000)
        .openapi({ param: { name: "partNumber", in: "path" } }),
    }),
    query: TokenQuery,
    body: binaryBody,
  },
  responses: { 200: json(Stored, "Part stored"), ...errorResponses(400, 401, 403, 404, 409, 415) },
});

/** The checks every signed PUT makes before reading a byte: the session, the type and the size it was signed for. */
async function checkedBody(c: Context<AppEnv>, claims: { sid: string; size: number; ct: string }, sessionId: string) {
  if (claims.sid !== sessionId) throw new ApiError("FORBIDDEN", "This signed URL belongs to another upload session");
  const contentType = c.req.header("content-type") ?? "";
  if (contentType.split(";")[0]!.trim().toLowerCase() !== claims.ct.toLowerCase()) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Content-Type must be ${claims.ct}, as signed`);
  }
  const length = c.req.header("content-length");
  if (length === undefined) throw new ApiError("VALIDATION_ERROR", "Content-Length is required");
  if (Number(length) !== claims.size)
    throw new ApiError("VALIDATION_ERROR", `Content-Length ${length} does not match the signed size ${claims.size}`);
  const body = c.req.raw.body;
  if (!body) throw new ApiError("VALIDATION_ERROR", "Empty body");
  const upload = await openSessionFor(c.var.deps, sessionId);
  return { body, upload };
}

export const handlePutObject: AppHandler<typeof putObjectRoute> = async (c) => {
  const { sessionId } = c.req.valid("param");
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "put");
  const { body } = await checkedBody(c, claims, sessionId);
  const etag = await storeObject(c.var.deps.bucket, claims.key, body, claims.size, claims.ct);
  return c.json({ success: true as const, etag, size: claims.size }, 200);
};

export const handlePutPart: AppHandler<typeof putPartRoute> = async (c) => {
  const { sessionId, partNumber } = c.req.valid("param");
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "part");
  if (claims.part !== partNumber) throw new ApiError("FORBIDDEN", `This signed URL is for part ${claims.part}`);
  const { body, upload } = await checkedBody(c, claims, sessionId);
  const etag = await storePart(c.var.deps, upload, partNumber, body, claims.size);
  return c.json({ success: true as const, etag, size: claims.size }, 200);
};
