import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ProjectRef } from "../../db/projects";
import { errorResponses } from "../../errors";
import { updateProject } from "../../services/projects";
import { json, jsonBody } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { OwnerProjectParams, ProjectIdParams, ProjectPatchResponse, ProjectUpdate } from "./schemas";

export const { byOwner: updateProjectRoute, byId: updateProjectByIdRoute } = pairedRoutes(
  {
    method: "patch",
    tags: ["Projects"],
    summary: "Update a project",
    description:
      "Updates project properties. Changing the display name also changes the project name used in URLs. `{starred}` alone stars or unstars.",
    request: { body: jsonBody(ProjectUpdate) },
    responses: { 200: json(ProjectPatchResponse, "Project updated"), ...errorResponses(400, 401, 403, 404, 409, 429) },
  },
  {
    byOwner: {
      path: "/api/projects/{owner}/{project}",
      operationId: "patch_api_projects_owner_project",
      request: { params: OwnerProjectParams },
    },
    byId: {
      path: "/api/projects/{projectId}",
      operationId: "patch_api_projects_projectId",
      request: { params: ProjectIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: ProjectRef, body: typeof ProjectUpdate._output) {
  const { project, slug, ...rest } = body;
  const result = await updateProject(c.var.deps, c.var.actor, ref, { ...rest, slug: project ?? slug });
  if (result.kind === "starred") return c.json({ starred: result.starred, starCount: result.starCount }, 200);
  return c.json({ success: true as const, project: result.slug }, 200);
}

export const handleUpdateProject: AppHandler<typeof updateProjectRoute> = async (c) => {
  const { owner, project } = c.req.valid("param");
  return answer(c, { owner, slug: project }, c.req.valid("json"));
};

export const handleUpdateProjectById: AppHandler<typeof updateProjectByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").projectId }, c.req.valid("json"));
