import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, describeIssues, errorResponses } from "../../errors";
import { hubDataset, hubDatasets, hubProject, hubProjects } from "../../services/hub/resources";
import { PREDICT_MAX_BYTES, predict } from "../../services/predict";
import { pictureFromForm } from "../../services/picture-intake";
import { readForm, textFields } from "../common/multipart";
import { json } from "../common/schemas";
import { PredictFields } from "../models/predict";
import { toHubDataset, toHubProject } from "./presenter";
import { envelope, HubDatasetParams, HubDoc, HubModelParams, HubProjectParams } from "./schemas";

const tags = ["HUB v1"];
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export const hubProjectRoute = createRoute({
  method: "get",
  path: "/v1/projects/{projectId}",
  operationId: "get_v1_projects_projectId",
  tags,
  summary: "Get a project",
  request: { params: HubProjectParams },
  responses: { 200: json(envelope(HubDoc), "The project"), ...errorResponses(400, 401, 404, 429) },
});

export const hubProjectsRoute = createRoute({
  method: "get",
  path: "/v1/projects",
  operationId: "get_v1_projects",
  tags,
  summary: "List projects",
  request: { query: ListQuery },
  responses: {
    200: json(envelope(z.object({ results: z.array(HubDoc), total: z.number() })), "Projects"),
    ...errorResponses(400, 401, 429),
  },
});

export const hubDatasetRoute = createRoute({
  method: "get",
  path: "/v1/datasets/{datasetId}",
  operationId: "get_v1_datasets_datasetId",
  tags,
  summary: "Get a dataset",
  description: "`data.url` downloads its newest version as NDJSON, without a header.",
  request: { params: HubDatasetParams },
  responses: { 200: json(envelope(HubDoc), "The dataset"), ...errorResponses(400, 401, 404, 429) },
});

export const hubDatasetsRoute = createRoute({
  method: "get",
  path: "/v1/datasets",
  operationId: "get_v1_datasets",
  tags,
  summary: "List datasets",
  request: { query: ListQuery },
  responses: {
    200: json(envelope(z.object({ results: z.array(HubDoc), total: z.number() })), "Datasets"),
    ...errorResponses(400, 401, 429),
  },
});

export const hubPredictRoute = createRoute({
  method: "post",
  path: "/v1/predict/{modelId}",
  operationId: "post_v1_predict_modelId",
  tags,
  summary: "Predict (hub-sdk)",
  description:
    "Multipart `image` with `conf`, `iou`, `imgsz`: POST /api/models/{modelId}/predict under the HUB envelope.",
  request: { params: HubModelParams },
  responses: { 200: json(envelope(HubDoc), "Predictions"), ...errorResponses(400, 401, 404, 413, 415, 429, 503) },
});

export const handleHubProject: AppHandler<typeof hubProjectRoute> = async (c) =>
  c.json({ data: toHubProject(await hubProject(c.var.deps, c.var.actor, c.req.valid("param").projectId)) }, 200);

export const handleHubProjects: AppHandler<typeof hubProjectsRoute> = async (c) => {
  const views = await hubProjects(c.var.deps, c.var.actor, c.req.valid("query").limit);
  return c.json({ data: { results: views.map(toHubProject), total: views.length } }, 200);
};

export const handleHubDataset: AppHandler<typeof hubDatasetRoute> = async (c) =>
  c.json({ data: toHubDataset(await hubDataset(c.var.deps, c.var.actor, c.req.valid("param").datasetId)) }, 200);

export const handleHubDatasets: AppHandler<typeof hubDatasetsRoute> = async (c) => {
  const rows = await hubDatasets(c.var.deps, c.var.actor, c.req.valid("query").limit);
  return c.json({ data: { results: rows.map(toHubDataset), total: rows.length } }, 200);
};

/** Read here: hub-sdk sends the picture as the multipart part `image`. */
export const handleHubPredict: AppHandler<typeof hubPredictRoute> = async (c) => {
  const form = await readForm(c, {
    expected: "an image part",
    maxBytes: PREDICT_MAX_BYTES + 1024 * 1024,
    tooLarge: `Predict uploads are at most ${PREDICT_MAX_BYTES} bytes`,
  });
  const image = form.get("image");
  if (image !== null && !form.has("file")) form.set("file", image);
  const fields = PredictFields.safeParse(textFields(form, ["image"]));
  if (!fields.success) throw new ApiError("VALIDATION_ERROR", describeIssues(fields.error.issues, "form"));
  const picture = await pictureFromForm(form, fields.data.source);
  const { conf, iou, imgsz } = fields.data;
  const outcome = await predict(
    c.var.deps,
    c.var.actor,
    { id: c.req.valid("param").modelId },
    { image: picture, conf, iou, imgsz },
  );
  if (outcome.kind === "queued") return c.json({ data: { jobId: outcome.jobId, status: outcome.status } }, 200);
  return c.json({ data: { images: outcome.images, metadata: outcome.metadata } }, 200);
};
