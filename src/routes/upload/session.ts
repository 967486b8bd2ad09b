import { createRoute } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { describeUpload } from "../../services/uploads";
import { json } from "../common/schemas";
import { toUploadSession } from "./presenter";
import { SessionParams, UploadSession } from "./schemas";

export const uploadSessionRoute = createRoute({
  method: "get",
  path: "/api/upload/{sessionId}",
  operationId: "get_api_upload_sessionId",
  tags: ["Upload"],
  summary: "Get an upload session",
  description:
    "EdgeHub: the session's status, the parts received so far (to resume a multipart upload), and a signed download URL once complete.",
  request: { params: SessionParams },
  responses: { 200: json(UploadSession, "Upload session"), ...errorResponses(401, 404, 429) },
});

export const handleUploadSession: AppHandler<typeof uploadSessionRoute, SignedInActor> = async (c) =>
  c.json(toUploadSession(await describeUpload(c.var.deps, c.var.actor, c.req.valid("param").sessionId)), 200);
