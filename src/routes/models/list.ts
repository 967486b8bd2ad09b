import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { listCompleted } from "../../services/models";
import { getProjectModels } from "../../services/projects";
import { Limit, Slug, Username, json } from "../common/schemas";
import { toModel, withAliases } from "./presenter";
import { ListModelsQuery, ListModelsResponse } from "./schemas";

/** Docs' form: `GET /api/models?projectId=&fields=&ids=&limit=`. */
export const listModelsRoute = createRoute({
  method: "get",
  path: "/api/models",
  operationId: "get_api_models",
  tags: ["Models"],
  summary: "List a project's models",
  description:
    "Models of a project, newest first: all of them for members, the public ones for others. `fields=charts` adds training results.",
  request: { query: ListModelsQuery },
  responses: { 200: json(ListModelsResponse, "Models"), ...errorResponses(400, 401, 404, 429) },
});

/** Contract form: `GET /api/models/{owner}/{project}`. */
export const listOwnerProjectModelsRoute = createRoute({
  method: "get",
  path: "/api/models/{owner}/{project}",
  operationId: "get_api_models_owner_project",
  tags: ["Models"],
  summary: "List models in a project",
  description: "Returns models by owner and project name.",
  request: {
    params: z.object({
      owner: Username.openapi({ param: { name: "owner", in: "path" } }),
      project: Slug.openapi({ param: { name: "project", in: "path" } }),
    }),
    query: z.object({ limit: Limit(20, 100) }),
  },
  responses: { 200: json(ListModelsResponse, "Models in the project"), ...errorResponses(400, 401, 404, 429) },
});

export const listCompletedModelsRoute = createRoute({
  method: "get",
  path: "/api/models/completed",
  operationId: "get_api_models_completed",
  tags: ["Models"],
  summary: "List completed models",
  description:
    "The caller's models that finished training or carry weights marked completed, for model selectors and deployments.",
  request: { query: z.object({ limit: Limit(50, 100) }) },
  responses: { 200: json(ListModelsResponse, "Completed models"), ...errorResponses(400, 401, 429) },
});

export const handleListModels: AppHandler<typeof listModelsRoute> = async (c) => {
  const { projectId, ids, limit, fields } = c.req.valid("query");
  const { region, models } = await getProjectModels(
    c.var.deps,
    c.var.actor,
    { id: projectId },
    { ids, limit, charts: fields === "charts" },
  );
  return c.json(
    {
      models: models.map((model) => withAliases(toModel(model, { charts: fields === "charts" }), model.project.id)),
      region,
    },
    200,
  );
};

export const handleListOwnerProjectModels: AppHandler<typeof listOwnerProjectModelsRoute> = async (c) => {
  const { owner, project: slug } = c.req.valid("param");
  const { region, models } = await getProjectModels(
    c.var.deps,
    c.var.actor,
    { owner, slug },
    { limit: c.req.valid("query").limit },
  );
  return c.json({ models: models.map((model) => toModel(model)), region }, 200);
};

export const handleListCompletedModels: AppHandler<typeof listCompletedModelsRoute> = async (c) => {
  const views = await listCompleted(c.var.deps, c.var.actor, c.req.valid("query").limit);
  return c.json(
    { models: views.map((view) => withAliases(toModel(view), view.project.id)), region: views[0]?.region ?? "us" },
    200,
  );
};
