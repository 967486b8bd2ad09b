import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import {
  createHubDataset,
  createHubProject,
  deleteHubDataset,
  deleteHubProject,
  updateHubDataset,
  updateHubProject,
} from "../../services/hub/resources";
import { HUB_DATASET_MAX_BYTES, uploadHubDataset } from "../../services/hub/dataset-upload";
import { readForm } from "../common/multipart";
import { json, jsonBody } from "../common/schemas";
import { toHubDataset, toHubProject } from "./presenter";
import {
  envelope,
  HubDatasetParams,
  HubDeleted,
  HubDoc,
  HubHardQuery,
  HubProjectParams,
  HubResourceBody,
  isPythonTrue,
} from "./schemas";

/** hub-sdk's project and dataset create, update and delete, over the same services as /api. */
const tags = ["HUB v1"];
const Deleted = json(envelope(HubDeleted), "Deleted");

export const hubCreateProjectRoute = createRoute({
  method: "post",
  path: "/v1/projects",
  operationId: "post_v1_projects",
  tags,
  summary: "Create a project (HUB body)",
  description: "`meta.name` (its URL name made from it), `meta.description`, `public`.",
  request: { body: jsonBody(HubResourceBody) },
  responses: { 200: json(envelope(HubDoc), "Created"), ...errorResponses(400, 401, 403, 409, 429) },
});

export const hubUpdateProjectRoute = createRoute({
  method: "patch",
  path: "/v1/projects/{projectId}",
  operationId: "patch_v1_projects_projectId",
  tags,
  summary: "Update a project",
  description: "`meta.name` renames it (and its URL name), `meta.description`, `public`.",
  request: { params: HubProjectParams, body: jsonBody(HubResourceBody) },
  responses: { 200: json(envelope(HubDoc), "Updated"), ...errorResponses(400, 401, 403, 404, 409, 429) },
});

export const hubDeleteProjectRoute = createRoute({
  method: "delete",
  path: "/v1/projects/{projectId}",
  operationId: "delete_v1_projects_projectId",
  tags,
  summary: "Delete a project",
  description: "`hard=False` moves it and its models to the trash; `hard=True` deletes them for good.",
  request: { params: HubProjectParams, query: HubHardQuery },
  responses: { 200: Deleted, ...errorResponses(400, 401, 403, 404, 429) },
});

export const hubCreateDatasetRoute = createRoute({
  method: "post",
  path: "/v1/datasets",
  operationId: "post_v1_datasets",
  tags,
  summary: "Create a dataset (HUB body)",
  description: "`meta.name` (its URL name made from it), `meta.description`, `public`. Fill it with an ingest.",
  request: { body: jsonBody(HubResourceBody) },
  responses: { 200: json(envelope(HubDoc), "Created"), ...errorResponses(400, 401, 403, 409, 429) },
});

export const hubUpdateDatasetRoute = createRoute({
  method: "patch",
  path: "/v1/datasets/{datasetId}",
  operationId: "patch_v1_datasets_datasetId",
  tags,
  summary: "Update a dataset",
  description: "`meta.name` renames it (and its URL name), `meta.description`, `public`.",
  request: { params: HubDatasetParams, body: jsonBody(HubResourceBody) },
  responses: { 200: json(envelope(HubDoc), "Updated"), ...errorResponses(400, 401, 403, 404, 409, 429) },
});

export const hubDeleteDatasetRoute = createRoute({
  method: "delete",
  path: "/v1/datasets/{datasetId}",
  operationId: "delete_v1_datasets_datasetId",
  tags,
  summary: "Delete a dataset",
  description: "`hard=False` moves it to the trash; `hard=True` deletes it for good.",
  request: { params: HubDatasetParams, query: HubHardQuery },
  responses: { 200: Deleted, ...errorResponses(400, 401, 403, 404, 429) },
});

export const handleHubCreateProject: AppHandler<typeof hubCreateProjectRoute> = async (c) =>
  c.json({ data: toHubProject(await createHubProject(c.var.deps, c.var.actor, c.req.valid("json"))) }, 200);

export const handleHubUpdateProject: AppHandler<typeof hubUpdateProjectRoute> = async (c) => {
  const view = await updateHubProject(c.var.deps, c.var.actor, c.req.valid("param").projectId, c.req.valid("json"));
  return c.json({ data: toHubProject(view) }, 200);
};

export const handleHubDeleteProject: AppHandler<typeof hubDeleteProjectRoute> = async (c) => {
  const hard = isPythonTrue(c.req.valid("query").hard);
  await deleteHubProject(c.var.deps, c.var.actor, c.req.valid("param").projectId, hard);
  return c.json({ data: { deleted: true, hard } }, 200);
};

export const handleHubCreateDataset: AppHandler<typeof hubCreateDatasetRoute> = async (c) =>
  c.json({ data: toHubDataset(await createHubDataset(c.var.deps, c.var.actor, c.req.valid("json"))) }, 200);

export const handleHubUpdateDataset: AppHandler<typeof hubUpdateDatasetRoute> = async (c) => {
  const row = await updateHubDataset(c.var.deps, c.var.actor, c.req.valid("param").datasetId, c.req.valid("json"));
  return c.json({ data: toHubDataset(row) }, 200);
};

export const handleHubDeleteDataset: AppHandler<typeof hubDeleteDatasetRoute> = async (c) => {
  const hard = isPythonTrue(c.req.valid("query").hard);
  await deleteHubDataset(c.var.deps, c.var.actor, c.req.valid("param").datasetId, hard);
  return c.json({ data: { deleted: true, hard } }, 200);
};

export const hubUploadDatasetRoute = createRoute({
  method: "post",
  path: "/v1/datasets/{datasetId}/upload",
  operationId: "post_v1_datasets_datasetId_upload",
  tags,
  summary: "Upload a dataset archive (hub-sdk)",
  description: `One multipart file part (hub-sdk names it after the file): a .zip, .tar, .tar.gz, .tgz or .ndjson of at most ${HUB_DATASET_MAX_BYTES} bytes, stored as an upload and ingested by a runner, as POST /api/datasets/ingest does. Answers the ingest job.`,
  request: { params: HubDatasetParams },
  responses: {
    200: json(envelope(z.object({ jobId: z.string(), status: z.string() })), "The ingest job"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
  },
});

/** Read here: the archive is a multipart part whatever its name. */
export const handleHubUploadDataset: AppHandler<typeof hubUploadDatasetRoute> = async (c) => {
  const form = await readForm(c, {
    expected: "the dataset archive as a file part",
    maxBytes: HUB_DATASET_MAX_BYTES + 1024 * 1024,
    tooLarge: `A HUB dataset upload is at most ${HUB_DATASET_MAX_BYTES} bytes`,
  });
  const file = [...form.values()].find((value): value is File => typeof value !== "string");
  if (!file) throw new ApiError("VALIDATION_ERROR", "Invalid form: a file part (the dataset archive) is required");
  const job = await uploadHubDataset(c.var.deps, c.var.actor, c.req.valid("param").datasetId, file);
  return c.json({ data: { jobId: job.id, status: job.status } }, 200);
};
