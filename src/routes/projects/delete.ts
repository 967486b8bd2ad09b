import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { trashProject } from "../../services/projects";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DeleteProjectResponse, OwnerProjectParams, ProjectIdParams } from "./schemas";

export const { byOwner: deleteProjectRoute, byId: deleteProjectByIdRoute } = pairedRoutes(
  {
    method: "delete",
    tags: ["Projects"],
    summary: "Delete a project",
    description: "Moves a project and its models to trash for 30 days.",
    responses: {
      200: json(DeleteProjectResponse, "Project moved to trash"),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  },
  {
    byOwner: {
      path: "/api/projects/{owner}/{project}",
      operationId: "delete_api_projects_owner_project",
      request: { params: OwnerProjectParams },
    },
    byId: {
      path: "/api/projects/{projectId}",
      operationId: "delete_api_projects_projectId",
      request: { params: ProjectIdParams },
    },
  },
);

export const handleDeleteProject: AppHandler<typeof deleteProjectRoute> = async (c) => {
  const { owner, project } = c.req.valid("param");
  const { cascadedModels } = await trashProject(c.var.deps, c.var.actor, { owner, slug: project });
  return c.json({ success: true as const, cascadedModels }, 200);
};

export const handleDeleteProjectById: AppHandler<typeof deleteProjectByIdRoute> = async (c) => {
  const { cascadedModels } = await trashProject(c.var.deps, c.var.actor, { id: c.req.valid("param").projectId });
  return c.json({ success: true as const, cascadedModels }, 200);
};
