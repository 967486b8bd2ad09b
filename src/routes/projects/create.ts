import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import { createProject } from "../../services/projects";
import { slugify } from "../../services/resource-edits";
import { json, jsonBody } from "../common/schemas";
import { toCreatedProject } from "./presenter";
import { CreateProjectResponse, ProjectCreate } from "./schemas";

export const createProjectRoute = createRoute({
  method: "post",
  path: "/api/projects",
  operationId: "post_api_projects",
  tags: ["Projects"],
  summary: "Create a project",
  description:
    "Creates a project in the caller's workspace or an editable one named by `owner`. Honours Idempotency-Key.",
  request: { body: jsonBody(ProjectCreate) },
  responses: { 201: json(CreateProjectResponse, "Project created"), ...errorResponses(400, 401, 403, 409, 429) },
});

export const handleCreateProject: AppHandler<typeof createProjectRoute> = async (c) => {
  const body = c.req.valid("json");
  const slug = body.project ?? body.slug ?? slugify(body.name ?? "");
  if (!slug) throw new ApiError("VALIDATION_ERROR", "Invalid body: project: could not derive a project name from name");
  const view = await createProject(c.var.deps, c.var.actor, { ...body, slug, name: body.name ?? slug });
  return c.json(toCreatedProject(view), 201);
};
