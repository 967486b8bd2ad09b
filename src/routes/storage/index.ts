import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppEnv, AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { storageInfo } from "../../services/storage";
import { Region, json } from "../common/schemas";
import { mountSignedIn } from "../mount";

const Usage = z.object({ current: z.number(), limit: z.number(), percent: z.number() });
const Bytes = z.object({ bytes: z.number(), count: z.number() });

export const StorageInfoResponse = z
  .object({
    tier: z.enum(["free", "pro", "enterprise"]),
    usage: z.object({ storage: Usage }),
    updatedAt: z.string().nullable(),
    breakdown: z.object({
      byCategory: z.object({ datasets: Bytes, models: Bytes, exports: Bytes }),
      topItems: z.array(
        z.object({
          _id: z.string(),
          name: z.string(),
          sizeBytes: z.number(),
          type: z.enum(["project", "dataset", "model", "export"]),
        }),
      ),
    }),
    region: Region,
    username: z.string(),
  })
  .openapi("StorageInfoResponse");

export const storageRoute = createRoute({
  method: "get",
  path: "/api/storage",
  operationId: "get_api_storage",
  tags: ["Account"],
  summary: "Storage usage",
  description: "Storage used by category, against the plan's limit; with details=true, the largest items.",
  request: { query: z.object({ details: z.enum(["true", "false"]).default("false") }) },
  responses: { 200: json(StorageInfoResponse, "Storage usage breakdown"), ...errorResponses(400, 401, 403, 429) },
});

const TYPE_OF_CATEGORY = { datasets: "dataset", models: "model", exports: "export", icons: "project" } as const;

const handleStorage: AppHandler<typeof storageRoute, SignedInActor> = async (c) => {
  const info = await storageInfo(c.var.deps, c.var.actor, c.req.valid("query").details === "true");
  return c.json(
    {
      tier: info.workspace.plan,
      usage: { storage: info.storage },
      updatedAt: info.updatedAt?.toISOString() ?? null,
      breakdown: {
        byCategory: info.byCategory,
        topItems: info.topItems.map((item) => ({
          _id: item.resourceId,
          name: item.name,
          sizeBytes: item.sizeBytes,
          type: TYPE_OF_CATEGORY[item.category],
        })),
      },
      region: info.workspace.region,
      username: info.workspace.username,
    },
    200,
  );
};

export function registerStorageRoutes(app: OpenAPIHono<AppEnv>): void {
  mountSignedIn(app, storageRoute, handleStorage);
}
