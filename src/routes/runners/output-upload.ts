import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import { storeJobOutput, storeJobOutputPart } from "../../services/jobs/outputs";
import { verifyTransfer } from "../../storage/signed-url";
import { json } from "../common/schemas";
import { JobIdParams } from "../jobs/schemas";
import { OutputPartResponse, OutputTokenQuery } from "./schemas";

const binaryBody = { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } };

export const putOutputRoute = createRoute({
  method: "put",
  path: "/internal/jobs/{jobId}/outputs/object",
  operationId: "put_internal_jobs_jobId_outputs_object",
  tags: ["Runners"],
  summary: "Upload an output file",
  description: "The signed URL from the outputs route; the token is the authority.",
  security: [],
  request: { params: JobIdParams, query: OutputTokenQuery, body: binaryBody },
  responses: {
    200: json(z.object({ success: z.literal(true), size: z.number() }), "Stored"),
    ...errorResponses(400, 401, 403, 404, 409, 415),
  },
});

export const putOutputPartRoute = createRoute({
  method: "put",
  path: "/internal/jobs/{jobId}/outputs/part",
  operationId: "put_internal_jobs_jobId_outputs_part",
  tags: ["Runners"],
  summary: "Upload one part of a large output file",
  description:
    "A part URL from the outputs route (exact size); answers the part's etag for the completion. A failed part is retried alone.",
  security: [],
  request: { params: JobIdParams, query: OutputTokenQuery, body: binaryBody },
  responses: { 200: json(OutputPartResponse, "Part stored"), ...errorResponses(400, 401, 403, 404, 409) },
});

export const handlePutOutput: AppHandler<typeof putOutputRoute> = async (c) => {
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "output");
  if ((c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase() !== claims.ct.toLowerCase())
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Content-Type must be ${claims.ct}, as signed`);
  await storeJobOutput(c.var.deps, c.req.valid("param").jobId, claims, signedBody(c.req.raw, claims.size));
  return c.json({ success: true as const, size: claims.size }, 200);
};

export const handlePutOutputPart: AppHandler<typeof putOutputPartRoute> = async (c) => {
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "output-part");
  const body = signedBody(c.req.raw, claims.size);
  return c.json(await storeJobOutputPart(c.var.deps, c.req.valid("param").jobId, claims, body), 200);
};

/** A signed PUT's body, which must announce exactly the signed size. */
function signedBody(request: Request, size: number): ReadableStream {
  if (Number(request.headers.get("content-length")) !== size)
    throw new ApiError("VALIDATION_ERROR", `Content-Length must be ${size}, as signed`);
  if (!request.body) throw new ApiError("VALIDATION_ERROR", "The request has no body");
  return request.body;
}
