/** HUB's export calls (`hub.export_model`, `hub.get_export`) over the export pipeline /api uses. */
import type { Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import type { ExportFormat } from "../../db/schema";
import { ApiError } from "../../errors";
import { createExport, exportDownloadUrl, listModelExports } from "../exports";

export async function startHubExport(deps: Deps, actor: Actor, id: string, format: ExportFormat) {
  const { exportView } = await createExport(deps, actor, { id }, { format });
  return { id: exportView.export.id, format, status: exportView.job.status };
}

/** The newest export of the format: its status, and its download URL once done. */
export async function hubExportOf(deps: Deps, actor: Actor, id: string, format: ExportFormat) {
  const { exports } = await listModelExports(deps, actor, { id }, { limit: 100 });
  const newest = exports.find((view) => view.export.format === format);
  if (!newest) throw new ApiError("NOT_FOUND", `No ${format} export of this model; start one first`);
  const url = (await exportDownloadUrl(deps, newest)) ?? null;
  return { id: newest.export.id, format, status: newest.job.status, url };
}
