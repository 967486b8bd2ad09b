import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { ICON_MAX_BYTES, readProjectIcon, removeProjectIcon, setProjectIcon } from "../../services/icons";
import { iconFileOf, iconResponse } from "../common/icon";
import { json } from "../common/schemas";
import { ProjectIdParams } from "./schemas";

const Success = z.object({ success: z.literal(true) });

export const uploadProjectIconRoute = createRoute({
  method: "post",
  path: "/api/projects/{projectId}/icon",
  operationId: "post_api_projects_projectId_icon",
  tags: ["Projects"],
  summary: "Upload a project icon",
  description: `Multipart form with an image \`file\` (PNG, JPEG, WebP or GIF, at most ${ICON_MAX_BYTES} bytes). Browser session only.`,
  request: { params: ProjectIdParams },
  responses: { 200: json(Success, "Icon stored"), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
});

export const deleteProjectIconRoute = createRoute({
  method: "delete",
  path: "/api/projects/{projectId}/icon",
  operationId: "delete_api_projects_projectId_icon",
  tags: ["Projects"],
  summary: "Remove a project icon",
  description: "Browser session only.",
  request: { params: ProjectIdParams },
  responses: { 200: json(Success, "Icon removed"), ...errorResponses(401, 403, 404, 429) },
});

export const getProjectIconRoute = createRoute({
  method: "get",
  path: "/api/projects/{projectId}/icon",
  operationId: "get_api_projects_projectId_icon",
  tags: ["Projects"],
  summary: "Get a project icon",
  description: "The icon image, for anyone who may read the project.",
  request: { params: ProjectIdParams },
  responses: { 200: { description: "The image" }, ...errorResponses(401, 404, 429) },
});

export const handleUploadProjectIcon: AppHandler<typeof uploadProjectIconRoute> = async (c) => {
  await setProjectIcon(c.var.deps, c.var.actor, { id: c.req.valid("param").projectId }, await iconFileOf(c));
  return c.json({ success: true as const }, 200);
};

export const handleDeleteProjectIcon: AppHandler<typeof deleteProjectIconRoute> = async (c) => {
  await removeProjectIcon(c.var.deps, c.var.actor, { id: c.req.valid("param").projectId });
  return c.json({ success: true as const }, 200);
};

export const handleGetProjectIcon: AppHandler<typeof getProjectIconRoute> = async (c) =>
  iconResponse(await readProjectIcon(c.var.deps, c.var.actor, { id: c.req.valid("param").projectId })) as never;
