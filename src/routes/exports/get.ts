import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ModelRef } from "../../db/models";
import { errorResponses } from "../../errors";
import { exportDownloadUrl, getExport } from "../../services/exports";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { toExport } from "./presenter";
import { ExportDetailResponse, ExportIdParams, OwnerModelExportParams } from "./schemas";

export const { byOwner: getModelExportRoute, byId: getExportRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Exports"],
    summary: "Get export status",
    description: "One export with its status, error, and a signed download URL once complete.",
    responses: { 200: json(ExportDetailResponse, "Export"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}/exports/{exportId}",
      operationId: "get_api_models_owner_project_model_exports_exportId",
      request: { params: OwnerModelExportParams },
    },
    byId: {
      path: "/api/exports/{exportId}",
      operationId: "get_api_exports_exportId",
      request: { params: ExportIdParams },
    },
  },
);

/** `model`: the owner/slug path's model, which the export must belong to. */
async function answer(c: Context<AppEnv>, exportId: string, model: ModelRef | undefined) {
  const { deps, actor } = c.var;
  const { exportView, isEditor } = await getExport(deps, actor, exportId, model);
  const downloadUrl = await exportDownloadUrl(deps, exportView);
  return c.json({ export: toExport(exportView, downloadUrl, model === undefined, isEditor) }, 200);
}

export const handleGetExport: AppHandler<typeof getExportRoute> = async (c) =>
  answer(c, c.req.valid("param").exportId, undefined);

export const handleGetModelExport: AppHandler<typeof getModelExportRoute> = async (c) => {
  const { owner, project, model, exportId } = c.req.valid("param");
  return answer(c, exportId, { owner, project, slug: model });
};
