import { createRoute } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { completeUpload } from "../../services/uploads";
import { json, jsonBody } from "../common/schemas";
import { UploadCompleteRequest, UploadCompleteResponse } from "./schemas";

export const completeUploadRoute = createRoute({
  method: "post",
  path: "/api/upload/complete",
  operationId: "post_api_upload_complete",
  tags: ["Upload"],
  summary: "Complete an upload",
  description:
    "Verifies the uploaded size (and SHA-256 `checksum` when given) and accepts the file. Calling it again answers the same.",
  request: { body: jsonBody(UploadCompleteRequest) },
  responses: { 200: json(UploadCompleteResponse, "Upload confirmed"), ...errorResponses(400, 401, 404, 409, 410, 429) },
});

export const handleCompleteUpload: AppHandler<typeof completeUploadRoute, SignedInActor> = async (c) => {
  const { sessionId, checksum } = c.req.valid("json");
  const file = await completeUpload(c.var.deps, c.var.actor, sessionId, checksum);
  return c.json({ success: true as const, file }, 200);
};
