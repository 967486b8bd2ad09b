import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { listOwnerProjects } from "../../services/projects";
import { Limit, Username, json } from "../common/schemas";
import { toProject, withAliases } from "./presenter";
import { ListProjectsResponse } from "./schemas";

/** Docs' form: `GET /api/projects?username=&owner=&limit=` (the caller's own when no owner). */
export const listProjects = createRoute({
  method: "get",
  path: "/api/projects",
  operationId: "get_api_projects",
  tags: ["Projects"],
  summary: "List projects",
  description:
    "Lists a workspace's projects: all of them for members, public ones for others. Without an owner, the caller's own.",
  request: {
    query: z.object({
      username: Username.optional().openapi({ description: "Filter by username" }),
      owner: Username.optional().openapi({ description: "Workspace owner username" }),
      limit: Limit(20, 500),
    }),
  },
  responses: { 200: json(ListProjectsResponse, "Projects"), ...errorResponses(400, 401, 404, 429) },
});

/** Contract form: `GET /api/projects/{owner}`. */
export const listOwnerProjectsRoute = createRoute({
  method: "get",
  path: "/api/projects/{owner}",
  operationId: "get_api_projects_owner",
  tags: ["Projects"],
  summary: "List an owner's projects",
  description: "Returns public projects, plus private projects when the caller can view the owner's workspace.",
  request: {
    params: z.object({ owner: Username.openapi({ param: { name: "owner", in: "path" } }) }),
    query: z.object({ limit: Limit(20, 500) }),
  },
  responses: { 200: json(ListProjectsResponse, "Projects"), ...errorResponses(400, 401, 404, 429) },
});

async function answerList(c: Context<AppEnv>, owner: string | undefined, limit: number, aliases: boolean) {
  const { deps, actor } = c.var;
  const { rows, total, region } = await listOwnerProjects(deps, actor, { owner, limit });
  const projects = rows.map(({ view, summary }) => {
    const project = toProject(view, deps.baseUrl, summary);
    return aliases ? withAliases(project) : project;
  });
  return c.json({ projects, total, region }, 200);
}

export const handleListProjects: AppHandler<typeof listProjects> = async (c) => {
  const { username, owner, limit } = c.req.valid("query");
  return answerList(c, owner ?? username, limit, true);
};

export const handleListOwnerProjects: AppHandler<typeof listOwnerProjectsRoute> = async (c) => {
  return answerList(c, c.req.valid("param").owner, c.req.valid("query").limit, false);
};
