import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { DatasetRef } from "../../db/datasets";
import { errorResponses } from "../../errors";
import { createVersion, describeVersion, exportLink } from "../../services/dataset-versions";
import { json, jsonBody } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DatasetIdParams, OwnerDatasetParams } from "./schemas";

const VersionNumber = z.number().int().positive();
export const ExportQuery = z.object({
  v: z.coerce.number().int().positive().optional().openapi({ type: "integer", description: "Version (1-based)" }),
});
export const DatasetExportResponse = z
  .union([
    z.object({ downloadUrl: z.string(), version: VersionNumber }),
    z.object({ downloadUrl: z.string(), cached: z.boolean() }),
  ])
  .openapi("DatasetExportResponse");
export const CreateVersionBody = z
  .object({ description: z.string().max(1000).optional() })
  .openapi("CreateDatasetVersion");
export const CreateVersionResponse = z
  .object({ version: VersionNumber, downloadUrl: z.string(), reused: z.boolean() })
  .openapi("CreateDatasetVersionResponse");
export const DescribeVersionBody = z.object({ version: VersionNumber, description: z.string().max(1000) });
export const DescribeVersionResponse = z.object({ ok: z.literal(true) }).openapi("UpdateDatasetVersionResponse");

const forms = {
  byOwner: { params: OwnerDatasetParams, path: "/api/datasets/{owner}/{dataset}/export" },
  byId: { params: DatasetIdParams, path: "/api/datasets/{datasetId}/export" },
} as const;

export const { byOwner: getExportRoute, byId: getExportByIdRoute } = pairedRoutes(
  {
    method: "get",
    tags: ["Datasets"],
    summary: "Download a dataset's NDJSON",
    description:
      "A signed link (1 h) to the NDJSON `ultralytics` trains from: of version `v`, or of the dataset as it is now (`cached` when it has not changed since it was last built). 409 while an ingest runs.",
    request: { query: ExportQuery },
    responses: { 200: json(DatasetExportResponse, "Signed link"), ...errorResponses(400, 401, 404, 409, 429) },
  },
  {
    byOwner: {
      path: forms.byOwner.path,
      operationId: "get_api_datasets_owner_dataset_export",
      request: { params: forms.byOwner.params },
    },
    byId: {
      path: forms.byId.path,
      operationId: "get_api_datasets_datasetId_export",
      request: { params: forms.byId.params },
    },
  },
);

export const { byOwner: createVersionRoute, byId: createVersionByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Datasets"],
    summary: "Create a dataset version",
    description:
      "Version n+1: an immutable snapshot of every image, label, split and class, with its counts, and its NDJSON. A dataset unchanged since its newest version answers that one (`reused`).",
    request: { body: { required: false, content: { "application/json": { schema: CreateVersionBody } } } },
    responses: {
      200: json(CreateVersionResponse, "The version"),
      ...errorResponses(400, 401, 403, 404, 409, 429),
    },
  },
  {
    byOwner: {
      path: forms.byOwner.path,
      operationId: "post_api_datasets_owner_dataset_export",
      request: { params: forms.byOwner.params },
    },
    byId: {
      path: forms.byId.path,
      operationId: "post_api_datasets_datasetId_export",
      request: { params: forms.byId.params },
    },
  },
);

export const { byOwner: describeVersionRoute, byId: describeVersionByIdRoute } = pairedRoutes(
  {
    method: "patch",
    tags: ["Datasets"],
    summary: "Update a version's description",
    description: "The only thing about a version that changes.",
    request: { body: jsonBody(DescribeVersionBody) },
    responses: { 200: json(DescribeVersionResponse, "Updated"), ...errorResponses(400, 401, 403, 404, 429) },
  },
  {
    byOwner: {
      path: forms.byOwner.path,
      operationId: "patch_api_datasets_owner_dataset_export",
      request: { params: forms.byOwner.params },
    },
    byId: {
      path: forms.byId.path,
      operationId: "patch_api_datasets_datasetId_export",
      request: { params: forms.byId.params },
    },
  },
);

const refOf = (param: { owner: string; dataset: string } | { datasetId: string }): DatasetRef =>
  "datasetId" in param ? { id: param.datasetId } : { owner: param.owner, slug: param.dataset };

async function answerGet(c: Context<AppEnv>, ref: DatasetRef, v: number | undefined) {
  const link = await exportLink(c.var.deps, c.var.actor, ref, v);
  return c.json(link, 200);
}

async function answerCreate(c: Context<AppEnv>, ref: DatasetRef, description: string | undefined) {
  const { deps, actor } = c.var;
  const { version, reused, downloadUrl } = await createVersion(deps, actor, ref, description);
  return c.json({ version: version.version, downloadUrl, reused }, 200);
}

export const handleGetExport: AppHandler<typeof getExportRoute> = async (c) =>
  answerGet(c, refOf(c.req.valid("param")), c.req.valid("query").v);
export const handleGetExportById: AppHandler<typeof getExportByIdRoute> = async (c) =>
  answerGet(c, refOf(c.req.valid("param")), c.req.valid("query").v);

export const handleCreateVersion: AppHandler<typeof createVersionRoute> = async (c) =>
  answerCreate(c, refOf(c.req.valid("param")), c.req.valid("json")?.description);
export const handleCreateVersionById: AppHandler<typeof createVersionByIdRoute> = async (c) =>
  answerCreate(c, refOf(c.req.valid("param")), c.req.valid("json")?.description);

export const handleDescribeVersion: AppHandler<typeof describeVersionRoute> = async (c) => {
  await describeVersion(c.var.deps, c.var.actor, refOf(c.req.valid("param")), c.req.valid("json"));
  return c.json({ ok: true as const }, 200);
};
export const handleDescribeVersionById: AppHandler<typeof describeVersionByIdRoute> = async (c) => {
  await describeVersion(c.var.deps, c.var.actor, refOf(c.req.valid("param")), c.req.valid("json"));
  return c.json({ ok: true as const }, 200);
};
