import { errorResponses } from "../../errors";
import type { AppHandler } from "../../context";
import { createExport } from "../../services/exports";
import { json, jsonBody } from "../common/schemas";
import { OwnerProjectModelParams } from "../models/schemas";
import { pairedRoutes } from "../paired";
import { toCreatedExport } from "./presenter";
import { CreateExportResponse, ExportCreate, ModelExportCreate } from "./schemas";

export const { byOwner: createModelExportRoute, byId: createExportRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Exports"],
    description:
      "Queues a conversion of the model's weights. `engine` (TensorRT) needs `gpuType`, runs on a GPU runner and reserves credits (402 without them); other formats run on CPU runners. The same format and arguments while one is still queued or running answers that export. Honours Idempotency-Key.",
    responses: {
      201: json(CreateExportResponse, "Export queued"),
      ...errorResponses(400, 401, 402, 403, 404, 409, 429, 503),
    },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}/exports",
      operationId: "post_api_models_owner_project_model_exports",
      summary: "Export a model",
      request: { params: OwnerProjectModelParams, body: jsonBody(ModelExportCreate) },
    },
    byId: {
      path: "/api/exports",
      operationId: "post_api_exports",
      summary: "Create an export",
      request: { body: jsonBody(ExportCreate) },
    },
  },
);

export const handleCreateExport: AppHandler<typeof createExportRoute> = async (c) => {
  const { modelId, ...request } = c.req.valid("json");
  const { view, exportView } = await createExport(c.var.deps, c.var.actor, { id: modelId }, request);
  return c.json(toCreatedExport(exportView, view.region, true), 201);
};

export const handleCreateModelExport: AppHandler<typeof createModelExportRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  const ref = { owner, project, slug: model };
  const { view, exportView } = await createExport(c.var.deps, c.var.actor, ref, c.req.valid("json"));
  return c.json(toCreatedExport(exportView, view.region), 201);
};
