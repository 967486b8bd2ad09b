import { z } from "@hono/zod-openapi";
import { TRASH_TYPES } from "../../db/schema";
import { Limit, Page, Region, Timestamp, Username } from "../common/schemas";

export const TrashType = z.enum(TRASH_TYPES);

export const TrashQuery = z.object({
  type: z
    .union([z.literal("all"), TrashType])
    .default("all")
    .openapi({ description: "Filter: all, project, dataset, model" }),
  page: Page,
  limit: Limit(50, 200),
  owner: Username.optional().openapi({ description: "Workspace owner username" }),
});

export const TrashRef = z
  .object({ id: z.string().min(1).max(128).openapi({ description: "Trashed resource ID" }), type: TrashType })
  .strict()
  .openapi("TrashRef");

export const TrashDeleteBody = z.union([TrashRef, z.object({ all: z.literal(true) }).strict()]).openapi("TrashDelete");

const Counted = z.object({ count: z.number().int().min(0), sizeBytes: z.number().min(0) });

export const ListTrashResponse = z
  .object({
    items: z.array(
      z.object({
        _id: z.string(),
        type: TrashType,
        name: z.string(),
        slug: z.string(),
        trashedAt: Timestamp,
        daysRemaining: z.number().int().min(0),
        cascadedCount: z.number().int().min(0).optional(),
        parentProject: z.object({ _id: z.string(), name: z.string(), slug: z.string() }).optional(),
        sizeBytes: z.number().min(0).optional(),
      }),
    ),
    total: z.number().int().min(0),
    page: z.number().int().positive(),
    limit: z.number().int().positive(),
    totalPages: z.number().int().min(0),
    summary: z.object({
      totalItems: z.number().int().min(0),
      totalSizeBytes: z.number().min(0),
      byType: z.object({
        projects: z.object({ count: z.number().int().min(0) }),
        datasets: Counted,
        models: Counted,
        exports: Counted,
      }),
    }),
    region: Region,
  })
  .openapi("ListTrashResponse");

export const RestoreTrashResponse = z
  .object({ success: z.literal(true), restoredModels: z.number().int().min(0).optional() })
  .openapi("RestoreTrashResponse");

export const DeleteTrashResponse = z
  .object({
    success: z.literal(true),
    deletedCount: z.number().int().min(0),
    cascadedModels: z.number().int().min(0).optional(),
  })
  .openapi("DeleteTrashResponse");
