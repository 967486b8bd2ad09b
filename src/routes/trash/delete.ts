import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import { deleteFromTrash } from "../../services/trash";
import { json, jsonBody } from "../common/schemas";
import { DeleteTrashResponse, TrashDeleteBody } from "./schemas";

export const deleteTrashRoute = createRoute({
  method: "delete",
  path: "/api/trash",
  operationId: "delete_api_trash",
  tags: ["Trash"],
  summary: "Permanently delete from trash",
  description:
    "Permanently deletes one trashed resource and its files. `{all: true}` empties the trash and, like DELETE /api/trash/empty, needs a browser session.",
  request: { body: jsonBody(TrashDeleteBody) },
  responses: {
    200: json(DeleteTrashResponse, "Trash permanently deleted"),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export const emptyTrashRoute = createRoute({
  method: "delete",
  path: "/api/trash/empty",
  operationId: "delete_api_trash_empty",
  tags: ["Trash"],
  summary: "Empty trash",
  description: "Permanently deletes all items in trash. Browser session only.",
  responses: { 200: json(DeleteTrashResponse, "Trash emptied"), ...errorResponses(401, 403, 429) },
});

export const handleDeleteTrash: AppHandler<typeof deleteTrashRoute> = async (c) => {
  const body = c.req.valid("json");
  if ("all" in body && c.var.actor.kind !== "session")
    throw new ApiError("FORBIDDEN", "Emptying the trash requires a browser session");
  const result = await deleteFromTrash(c.var.deps, c.var.actor, body);
  return c.json({ success: true as const, ...result }, 200);
};

export const handleEmptyTrash: AppHandler<typeof emptyTrashRoute> = async (c) => {
  const result = await deleteFromTrash(c.var.deps, c.var.actor, { all: true });
  return c.json({ success: true as const, ...result }, 200);
};
