import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ProjectRef } from "../../db/projects";
import { errorResponses } from "../../errors";
import { cloneProject } from "../../services/projects";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { CloneProjectResponse, OwnerProjectParams, ProjectCloneBody, ProjectIdParams } from "./schemas";

export const { byOwner: cloneProjectRoute, byId: cloneProjectByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Projects"],
    summary: "Clone a project",
    description:
      "Copies an accessible project (and, with models, its completed models) into a workspace the caller can edit. Browser session only.",
    request: { body: { required: false, content: { "application/json": { schema: ProjectCloneBody } } } },
    responses: { 201: json(CloneProjectResponse, "Project cloned"), ...errorResponses(400, 401, 403, 404, 409, 429) },
  },
  {
    byOwner: {
      path: "/api/projects/{owner}/{project}/clone",
      operationId: "post_api_projects_owner_project_clone",
      request: { params: OwnerProjectParams },
    },
    byId: {
      path: "/api/projects/{projectId}/clone",
      operationId: "post_api_projects_projectId_clone",
      request: { params: ProjectIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: ProjectRef, body: typeof ProjectCloneBody._output | undefined) {
  const { project, slug, ...rest } = body ?? {};
  const { view, modelCount } = await cloneProject(c.var.deps, c.var.actor, ref, { ...rest, slug: project ?? slug });
  return c.json(
    {
      id: view.project.id,
      owner: view.owner,
      project: view.project.slug,
      name: view.project.name,
      modelCount,
      region: view.region,
    },
    201,
  );
}

export const handleCloneProject: AppHandler<typeof cloneProjectRoute> = async (c) => {
  const { owner, project } = c.req.valid("param");
  return answer(c, { owner, slug: project }, c.req.valid("json"));
};

export const handleCloneProjectById: AppHandler<typeof cloneProjectByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").projectId }, c.req.valid("json"));
