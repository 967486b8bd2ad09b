import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { listOwnerDatasets } from "../../services/datasets";
import { Limit, Slug, Username, json } from "../common/schemas";
import { toDataset, withAliases } from "./presenter";
import { ListDatasetsResponse } from "./schemas";

/** Sample images come with images themselves (the ingest issue); the flags are accepted now. */
const SampleFlags = {
  includeSamples: z.enum(["true", "false"]).default("true").openapi({ description: "Include sample images" }),
  includeImageUrls: z
    .enum(["true", "false"])
    .default("false")
    .openapi({ description: "Include signed image URLs in samples" }),
};

/** Docs' form: `GET /api/datasets?username=&owner=&slug=&limit=` (the caller's own when no owner). */
export const listDatasetsRoute = createRoute({
  method: "get",
  path: "/api/datasets",
  operationId: "get_api_datasets",
  tags: ["Datasets"],
  summary: "List datasets",
  description:
    "Lists a workspace's datasets: all of them for members, public ones for others. Without an owner, the caller's own; `slug` narrows to one.",
  request: {
    query: z.object({
      username: Username.optional().openapi({ description: "Filter by username" }),
      owner: Username.optional().openapi({ description: "Workspace owner username" }),
      slug: Slug.optional().openapi({ description: "Fetch a single dataset by slug" }),
      limit: Limit(1000, 1000),
      ...SampleFlags,
    }),
  },
  responses: { 200: json(ListDatasetsResponse, "Datasets"), ...errorResponses(400, 401, 404, 429) },
});

/** Contract form: `GET /api/datasets/{owner}`. */
export const listOwnerDatasetsRoute = createRoute({
  method: "get",
  path: "/api/datasets/{owner}",
  operationId: "get_api_datasets_owner",
  tags: ["Datasets"],
  summary: "List an owner's datasets",
  description: "Returns datasets owned by the named owner. Private datasets require workspace access.",
  request: {
    params: z.object({ owner: Username.openapi({ param: { name: "owner", in: "path" } }) }),
    query: z.object({ limit: Limit(1000, 1000), ...SampleFlags }),
  },
  responses: { 200: json(ListDatasetsResponse, "Datasets"), ...errorResponses(400, 401, 404, 429) },
});

async function answerList(
  c: Context<AppEnv>,
  params: { owner?: string; slug?: string; limit: number },
  aliases: boolean,
) {
  const { rows, total, region } = await listOwnerDatasets(c.var.deps, c.var.actor, params);
  const baseUrl = c.var.deps.baseUrl;
  const datasets = rows.map((view) => (aliases ? withAliases(toDataset(view, baseUrl)) : toDataset(view, baseUrl)));
  return c.json({ datasets, total, region }, 200);
}

export const handleListDatasets: AppHandler<typeof listDatasetsRoute> = async (c) => {
  const { username, owner, slug, limit } = c.req.valid("query");
  return answerList(c, { owner: owner ?? username, slug, limit }, true);
};

export const handleListOwnerDatasets: AppHandler<typeof listOwnerDatasetsRoute> = async (c) =>
  answerList(c, { owner: c.req.valid("param").owner, limit: c.req.valid("query").limit }, false);
