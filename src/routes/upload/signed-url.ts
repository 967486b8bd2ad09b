import { createRoute } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { createUploadSession } from "../../services/uploads";
import { json, jsonBody } from "../common/schemas";
import { toSignedUpload } from "./presenter";
import { SignedUrlRequest, SignedUrlResponse } from "./schemas";

export const signedUrlRoute = createRoute({
  method: "post",
  path: "/api/upload/signed-url",
  operationId: "post_api_upload_signed_url",
  tags: ["Upload"],
  summary: "Get a signed upload URL",
  description:
    "Opens an upload session. PUT the file's bytes to `uploadUrl` (no auth header; send the signed Content-Type), then call POST /api/upload/complete. Files larger than one part go up in parts: `parts` lists one URL per part. Dataset filenames must end in .zip, .tar, .tar.gz, .tgz or .ndjson.",
  request: { body: jsonBody(SignedUrlRequest) },
  responses: { 200: json(SignedUrlResponse, "Upload URL ready"), ...errorResponses(400, 401, 403, 429) },
});

export const handleSignedUrl: AppHandler<typeof signedUrlRoute, SignedInActor> = async (c) => {
  const session = await createUploadSession(c.var.deps, c.var.actor, c.req.valid("json"));
  return c.json(toSignedUpload(session), 200);
};
