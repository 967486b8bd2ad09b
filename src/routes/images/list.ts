import { createRoute, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { DatasetRef } from "../../db/datasets";
import type { ImageFilter, ImageRow } from "../../db/images";
import { errorResponses } from "../../errors";
import { imageUrls, listDatasetImages, selectedDatasetImages } from "../../services/images";
import { json, jsonBody } from "../common/schemas";
import { DatasetIdParams, OwnerDatasetParams } from "../datasets/schemas";
import { pairedRoutes } from "../paired";
import { toListImage } from "./presenter";
import {
  ListDatasetImagesResponse,
  ListImagesQuery,
  SelectedDatasetImagesResponse,
  SelectedImagesBody,
  SelectedImagesQuery,
} from "./schemas";

export const { byOwner: listImagesRoute, byId: listImagesByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Images"],
    summary: "List dataset images",
    description:
      "A page of a dataset's images by split, label and error state, classes, name or hash, in any of the sort orders. `offset` jumps; `cursor` (the previous page's `nextCursor`) continues without skipping or repeating while images are added. Public datasets' images are listed anonymously.",
    request: { query: ListImagesQuery },
    responses: { 200: json(ListDatasetImagesResponse, "Dataset images"), ...errorResponses(400, 401, 404, 429) },
  },
  {
    byOwner: {
      path: "/api/datasets/{owner}/{dataset}/images",
      operationId: "get_api_datasets_owner_dataset_images",
      request: { params: OwnerDatasetParams },
    },
    byId: {
      path: "/api/datasets/{datasetId}/images",
      operationId: "get_api_datasets_datasetId_images",
      request: { params: DatasetIdParams },
    },
  },
);

export const selectedImagesRoute = createRoute({
  method: "post",
  path: "/api/datasets/{owner}/{dataset}/images",
  operationId: "post_api_datasets_owner_dataset_images",
  tags: ["Images"],
  summary: "Get selected dataset images",
  description: "The dataset's images named in `imageIds` (at most 1000), in that order; unknown ids are left out.",
  request: { params: OwnerDatasetParams, query: SelectedImagesQuery, body: jsonBody(SelectedImagesBody) },
  responses: { 200: json(SelectedDatasetImagesResponse, "Selected images"), ...errorResponses(400, 401, 404, 429) },
});

type Presentation = Pick<z.infer<typeof ListImagesQuery>, "includeThumbnails" | "includeImageUrls" | "includeLabels">;

function presentAll(c: Context<AppEnv>, rows: ImageRow[], options: Presentation) {
  const thumbnails = options.includeThumbnails === "true";
  const full = options.includeImageUrls === "true";
  return Promise.all(
    rows.map(async (row) =>
      toListImage(row, await imageUrls(c.var.deps, row, thumbnails, full), options.includeLabels === "true"),
    ),
  );
}

function filterOf(query: z.infer<typeof SelectedImagesQuery>): ImageFilter {
  const flag = (value: "true" | "false" | undefined) => (value === undefined ? undefined : value === "true");
  return {
    split: query.split,
    hasLabel: flag(query.hasLabel),
    hasError: flag(query.hasError),
    classIds: query.classIds === undefined ? undefined : query.classIds.split(",").filter(Boolean).map(Number),
    search: query.search,
  };
}

async function answerList(c: Context<AppEnv>, ref: DatasetRef, query: z.infer<typeof ListImagesQuery>) {
  const { view, rows, hasMore, counts } = await listDatasetImages(c.var.deps, c.var.actor, ref, {
    filter: filterOf(query),
    sort: query.sort,
    limit: query.limit,
    offset: query.offset,
    cursor: query.cursor,
    includeTotal: query.includeTotal === "true",
  });
  return c.json(
    {
      images: await presentAll(c, rows, query),
      ...(counts.total !== undefined ? { total: counts.total } : {}),
      hasMore,
      classes: view.dataset.classNames,
      errorCount: counts.errorCount,
      ...(hasMore && rows.length ? { nextCursor: rows[rows.length - 1]!.id } : {}),
    },
    200,
  );
}

export const handleListImages: AppHandler<typeof listImagesRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  return answerList(c, { owner, slug: dataset }, c.req.valid("query"));
};

export const handleListImagesById: AppHandler<typeof listImagesByIdRoute> = async (c) =>
  answerList(c, { id: c.req.valid("param").datasetId }, c.req.valid("query"));

export const handleSelectedImages: AppHandler<typeof selectedImagesRoute> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  const query = c.req.valid("query");
  const ref = { owner, slug: dataset };
  const { view, rows, errorCount } = await selectedDatasetImages(
    c.var.deps,
    c.var.actor,
    ref,
    c.req.valid("json").imageIds,
  );
  const filter = filterOf(query);
  const matching = rows.filter((row) => matches(row, filter));
  return c.json(
    {
      images: await presentAll(c, matching, query),
      total: matching.length,
      hasMore: false as const,
      classes: view.dataset.classNames,
      errorCount,
    },
    200,
  );
};

/** The list's filter applied to a selection in memory (at most 1000 rows). */
function matches(row: ImageRow, filter: ImageFilter): boolean {
  if (filter.split && row.split !== filter.split) return false;
  if (filter.hasLabel !== undefined && row.labelCount > 0 !== filter.hasLabel) return false;
  if (filter.hasError !== undefined && (row.error !== null) !== filter.hasError) return false;
  if (filter.classIds && !filter.classIds.some((id) => row.classIds.includes(id))) return false;
  if (filter.search) {
    const needle = filter.search.toLowerCase();
    if (!row.filename.toLowerCase().includes(needle) && !row.hash.startsWith(needle)) return false;
  }
  return true;
}
