import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ModelRef } from "../../db/models";
import { errorResponses } from "../../errors";
import { exportDownloadUrl, listModelExports } from "../../services/exports";
import { json } from "../common/schemas";
import { OwnerProjectModelParams } from "../models/schemas";
import { pairedRoutes } from "../paired";
import { toExport } from "./presenter";
import { ListExportsQuery, ListExportsResponse, ListModelExportsQuery } from "./schemas";

export const { byOwner: listModelExportsRoute, byId: listExportsRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Exports"],
    description: "A model's exports, newest first, optionally by status.",
    responses: { 200: json(ListExportsResponse, "Exports"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}/exports",
      operationId: "get_api_models_owner_project_model_exports",
      summary: "List model exports",
      request: { params: OwnerProjectModelParams, query: ListModelExportsQuery },
    },
    byId: {
      path: "/api/exports",
      operationId: "get_api_exports",
      summary: "List exports",
      request: { query: ListExportsQuery },
    },
  },
);

async function answer(
  c: Context<AppEnv>,
  ref: ModelRef,
  params: z.infer<typeof ListModelExportsQuery>,
  extras: boolean,
) {
  const { deps, actor } = c.var;
  const { view, exports, isEditor } = await listModelExports(deps, actor, ref, params);
  const presented = exports.map(async (e) => toExport(e, await exportDownloadUrl(deps, e), extras, isEditor));
  return c.json({ exports: await Promise.all(presented), region: view.region }, 200);
}

export const handleListExports: AppHandler<typeof listExportsRoute> = async (c) => {
  const { modelId, ...params } = c.req.valid("query");
  return answer(c, { id: modelId }, params, true);
};

export const handleListModelExports: AppHandler<typeof listModelExportsRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  return answer(c, { owner, project, slug: model }, c.req.valid("query"), false);
};
