import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { deleteExport } from "../../services/exports";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DeleteExportResponse, ExportIdParams, OwnerModelExportParams } from "./schemas";

export const { byOwner: deleteModelExportRoute, byId: deleteExportRoute } = pairedRoutes(
  {
    method: "delete",
    tags: ["Exports"],
    summary: "Cancel or delete an export",
    description: "Cancels a queued or running export (its runner stops), or deletes a finished one with its file.",
    responses: {
      200: json(DeleteExportResponse, "Cancelled or deleted"),
      ...errorResponses(400, 401, 403, 404, 409, 429),
    },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}/exports/{exportId}",
      operationId: "delete_api_models_owner_project_model_exports_exportId",
      request: { params: OwnerModelExportParams },
    },
    byId: {
      path: "/api/exports/{exportId}",
      operationId: "delete_api_exports_exportId",
      request: { params: ExportIdParams },
    },
  },
);

export const handleDeleteExport: AppHandler<typeof deleteExportRoute> = async (c) => {
  const action = await deleteExport(c.var.deps, c.var.actor, c.req.valid("param").exportId);
  return c.json({ success: true as const, action }, 200);
};

export const handleDeleteModelExport: AppHandler<typeof deleteModelExportRoute> = async (c) => {
  const { owner, project, model, exportId } = c.req.valid("param");
  const action = await deleteExport(c.var.deps, c.var.actor, exportId, { owner, project, slug: model });
  return c.json({ success: true as const, action }, 200);
};
