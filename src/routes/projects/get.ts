import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ProjectRef } from "../../db/projects";
import { errorResponses } from "../../errors";
import { getProjectDetail } from "../../services/projects";
import { toProjectModelSummary } from "../models/presenter";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { toProjectDetail, withAliases } from "./presenter";
import { OwnerProjectParams, ProjectDetailResponse, ProjectIdParams } from "./schemas";

export const { byOwner: getProjectRoute, byId: getProjectByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Projects"],
    summary: "Get a project",
    responses: { 200: json(ProjectDetailResponse, "Project details"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/projects/{owner}/{project}",
      operationId: "get_api_projects_owner_project",
      description: "Returns a project and its model summaries by owner and project name.",
      request: { params: OwnerProjectParams },
    },
    byId: {
      path: "/api/projects/{projectId}",
      operationId: "get_api_projects_projectId",
      summary: "Get a project by id",
      description:
        "The docs' id form of get_api_projects_owner_project; the project carries the alias fields _id, slug, username.",
      request: { params: ProjectIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: ProjectRef, aliases: boolean) {
  const { deps, actor } = c.var;
  const { view, isOwner, summary, models } = await getProjectDetail(deps, actor, ref, 100);
  const project = toProjectDetail(view, deps.baseUrl, summary);
  return c.json(
    { project: aliases ? withAliases(project) : project, models: models.map(toProjectModelSummary), isOwner },
    200,
  );
}

export const handleGetProject: AppHandler<typeof getProjectRoute> = async (c) => {
  const { owner, project } = c.req.valid("param");
  return answer(c, { owner, slug: project }, false);
};

export const handleGetProjectById: AppHandler<typeof getProjectByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").projectId }, true);
