import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { listWorkspaceTrash } from "../../services/trash";
import { json } from "../common/schemas";
import { ListTrashResponse, TrashQuery } from "./schemas";

export const listTrashRoute = createRoute({
  method: "get",
  path: "/api/trash",
  operationId: "get_api_trash",
  tags: ["Trash"],
  summary: "List trash",
  description: "Returns deleted items that can still be restored. Items are permanently deleted after 30 days.",
  request: { query: TrashQuery },
  responses: { 200: json(ListTrashResponse, "Trashed items"), ...errorResponses(400, 401, 403, 429) },
});

export const handleListTrash: AppHandler<typeof listTrashRoute> = async (c) => {
  const query = c.req.valid("query");
  const { workspace, total, items, summary } = await listWorkspaceTrash(c.var.deps, c.var.actor, query);
  return c.json(
    {
      items: items.map(({ item, daysRemaining }) => ({
        _id: item.resourceId,
        type: item.resourceType,
        name: item.name,
        slug: item.slug,
        trashedAt: item.trashedAt.toISOString(),
        daysRemaining,
        cascadedCount: item.cascadedCount,
        ...(item.parentId && item.parentName && item.parentSlug
          ? { parentProject: { _id: item.parentId, name: item.parentName, slug: item.parentSlug } }
          : {}),
        sizeBytes: item.sizeBytes,
      })),
      total,
      page: query.page,
      limit: query.limit,
      totalPages: Math.ceil(total / query.limit),
      summary: {
        totalItems: summary.totalItems,
        totalSizeBytes: summary.totalSizeBytes,
        byType: {
          projects: { count: summary.byType.project.count },
          datasets: { count: summary.byType.dataset.count, sizeBytes: summary.byType.dataset.bytes },
          models: { count: summary.byType.model.count, sizeBytes: summary.byType.model.bytes },
          exports: { count: 0, sizeBytes: 0 },
        },
      },
      region: workspace.region,
    },
    200,
  );
};
