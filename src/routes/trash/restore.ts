import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { restoreFromTrash } from "../../services/trash";
import { json, jsonBody } from "../common/schemas";
import { RestoreTrashResponse, TrashRef } from "./schemas";

export const restoreTrashRoute = createRoute({
  method: "post",
  path: "/api/trash",
  operationId: "post_api_trash",
  tags: ["Trash"],
  summary: "Restore from trash",
  description:
    "Restores a trashed project, dataset, or model before its retention period expires. A live resource with the same name is a 409.",
  request: { body: jsonBody(TrashRef) },
  responses: { 200: json(RestoreTrashResponse, "Item restored"), ...errorResponses(400, 401, 403, 404, 409, 429) },
});

export const handleRestoreTrash: AppHandler<typeof restoreTrashRoute> = async (c) => {
  const { restoredModels } = await restoreFromTrash(c.var.deps, c.var.actor, c.req.valid("json"));
  return c.json({ success: true as const, restoredModels }, 200);
};
