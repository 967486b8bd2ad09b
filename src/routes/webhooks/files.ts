import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import {
  checkpointUrl,
  datasetExportLocation,
  modelWeightsLocation,
  storeCheckpoint,
} from "../../services/training/files";
import { json, jsonBody } from "../common/schemas";
import { CheckpointUrlBody, CheckpointUrlResponse } from "./schemas";

const slugParam = (name: string) =>
  z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name, in: "path" } });

export const checkpointUrlRoute = createRoute({
  method: "post",
  path: "/api/webhooks/models/upload",
  operationId: "post_api_webhooks_models_upload",
  tags: ["Training"],
  summary: "Sign a checkpoint upload",
  description:
    "The ultralytics package asks where to PUT `best.pt` or `last.pt` during training, naming the model by `modelId` or by `project` and `name`. The answer's `uploadUrl` takes one plain PUT (no auth header); the file becomes the model's next revision of that name, and a `best.pt` is inspected as an upload is.",
  request: { body: jsonBody(CheckpointUrlBody) },
  responses: { 200: json(CheckpointUrlResponse, "Where to PUT"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const putCheckpointRoute = createRoute({
  method: "put",
  path: "/api/webhooks/models/checkpoints/{filename}",
  operationId: "put_api_webhooks_models_checkpoints_filename",
  tags: ["Training"],
  summary: "Upload a checkpoint",
  description: "The signed URL of `POST /api/webhooks/models/upload`: the token is the authority. At most 5 GiB.",
  security: [],
  request: {
    params: z.object({ filename: slugParam("filename") }),
    query: z.object({ token: z.string().optional() }),
    body: { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: {
    200: json(z.object({ success: z.literal(true), size: z.number() }), "Stored"),
    ...errorResponses(400, 401, 403, 404, 413),
  },
});

export const datasetExportRedirectRoute = createRoute({
  method: "get",
  path: "/api/webhooks/datasets/{user}/{slug}/export",
  operationId: "get_api_webhooks_datasets_user_slug_export",
  tags: ["Training"],
  summary: "Resolve a ul:// dataset",
  description:
    "`ul://user/datasets/slug` for `yolo train`, which asks with HEAD (GET answers the same): 302 to the signed NDJSON of the dataset's newest version (made now when the dataset changed since, for its editors; 409 with Retry-After while a runner writes a large one).",
  request: { params: z.object({ user: slugParam("user"), slug: slugParam("slug") }) },
  responses: { 302: { description: "Location: the signed NDJSON" }, ...errorResponses(401, 403, 404, 409, 429) },
});

export const modelDownloadRedirectRoute = createRoute({
  method: "get",
  path: "/api/webhooks/models/{user}/{project}/{model}/download",
  operationId: "get_api_webhooks_models_user_project_model_download",
  tags: ["Training"],
  summary: "Resolve a ul:// model",
  description:
    "`ul://user/project/model`, asked with HEAD (GET answers the same): 302 to the signed URL of its weights (a path ending in `.pt`).",
  request: { params: z.object({ user: slugParam("user"), project: slugParam("project"), model: slugParam("model") }) },
  responses: { 302: { description: "Location: the signed .pt" }, ...errorResponses(401, 403, 404, 429) },
});

export const handleCheckpointUrl: AppHandler<typeof checkpointUrlRoute> = async (c) =>
  c.json(await checkpointUrl(c.var.deps, c.var.actor, c.req.valid("json")), 200);

export const handlePutCheckpoint: AppHandler<typeof putCheckpointRoute> = async (c) => {
  const size = Number(c.req.header("content-length") ?? NaN);
  const { filename } = c.req.valid("param");
  const stored = await storeCheckpoint(c.var.deps, c.req.valid("query").token, filename, c.req.raw.body, size);
  return c.json({ success: true as const, size: stored.size }, 200);
};

export const handleDatasetExportRedirect: AppHandler<typeof datasetExportRedirectRoute> = async (c) => {
  const { user, slug } = c.req.valid("param");
  const location = await datasetExportLocation(c.var.deps, c.var.actor, user, slug);
  return c.body(null, 302, { Location: location });
};

export const handleModelDownloadRedirect: AppHandler<typeof modelDownloadRedirectRoute> = async (c) => {
  const { user, project, model } = c.req.valid("param");
  const location = await modelWeightsLocation(c.var.deps, c.var.actor, user, project, model);
  return c.body(null, 302, { Location: location });
};
