import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import { commitImages, signBlobs, storeBlob } from "../../services/jobs/ingest-intake";
import { verifyTransfer } from "../../storage/signed-url";
import { json, jsonBody } from "../common/schemas";
import { JobIdParams } from "../jobs/schemas";
import { BlobsRequest, BlobsResponse, CommitRequest, CommitResponse, OutputTokenQuery } from "./schemas";
import { RUNNER_SECURITY } from "./security";

export const blobsRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/images/blobs",
  operationId: "post_internal_jobs_jobId_images_blobs",
  tags: ["Runners"],
  summary: "Ask which pictures to send",
  description:
    "An ingest's lease holder names a batch of pictures by SHA-256 (with size, type, dimensions and thumbnail size); the answer signs PUT URLs for those EdgeHub does not hold yet. Send the thumbnail first.",
  security: RUNNER_SECURITY,
  request: { params: JobIdParams, body: jsonBody(BlobsRequest) },
  responses: { 200: json(BlobsResponse, "What to send"), ...errorResponses(400, 401, 404, 409) },
});

export const putBlobRoute = createRoute({
  method: "put",
  path: "/internal/jobs/{jobId}/blobs",
  operationId: "put_internal_jobs_jobId_blobs",
  tags: ["Runners"],
  summary: "Upload a picture or thumbnail",
  description:
    "A URL from the blobs route; the token is the authority. A picture must hash to the SHA-256 it was signed for, else nothing is kept (400).",
  security: [],
  request: {
    params: JobIdParams,
    query: OutputTokenQuery,
    body: { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: {
    200: json(z.object({ success: z.literal(true) }), "Stored"),
    ...errorResponses(400, 401, 403, 404),
  },
});

export const commitRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/images/commit",
  operationId: "post_internal_jobs_jobId_images_commit",
  tags: ["Runners"],
  summary: "Add a batch of images",
  description:
    "Adds pictures already sent to the ingest's dataset, with their split, labels (checked against the dataset: a bad one is a 400 naming the file) and per-file errors, under the job's conflict policy.",
  security: RUNNER_SECURITY,
  request: { params: JobIdParams, body: jsonBody(CommitRequest) },
  responses: { 200: json(CommitResponse, "Added"), ...errorResponses(400, 401, 404, 409) },
});

export const handleBlobs: AppHandler<typeof blobsRoute> = async (c) =>
  c.json(await signBlobs(c.var.deps, c.req.valid("param").jobId, c.req.valid("json")), 200);

export const handlePutBlob: AppHandler<typeof putBlobRoute> = async (c) => {
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "blob");
  if (Number(c.req.header("content-length")) !== claims.size)
    throw new ApiError("VALIDATION_ERROR", `Content-Length must be ${claims.size}, as signed`);
  if (!c.req.raw.body) throw new ApiError("VALIDATION_ERROR", "The request has no body");
  await storeBlob(c.var.deps, c.req.valid("param").jobId, claims, c.req.raw.body);
  return c.json({ success: true as const }, 200);
};

export const handleCommit: AppHandler<typeof commitRoute> = async (c) =>
  c.json(await commitImages(c.var.deps, c.req.valid("param").jobId, c.req.valid("json")), 200);
