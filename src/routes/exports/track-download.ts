import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { trackExportDownload } from "../../services/exports";
import { json } from "../common/schemas";
import { TrackDownloadResponse } from "../models/schemas";
import { ExportIdParams } from "./schemas";

export const trackExportDownloadRoute = createRoute({
  method: "post",
  path: "/api/exports/{exportId}/track-download",
  operationId: "post_api_exports_exportId_track_download",
  tags: ["Exports"],
  summary: "Track an export download",
  description: "Counts a download of the export's file.",
  request: { params: ExportIdParams },
  responses: { 200: json(TrackDownloadResponse, "Counted"), ...errorResponses(400, 401, 404, 429) },
});

export const handleTrackExportDownload: AppHandler<typeof trackExportDownloadRoute> = async (c) => {
  await trackExportDownload(c.var.deps, c.var.actor, c.req.valid("param").exportId);
  return c.json({ success: true as const }, 200);
};
