import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { createHubModel, deleteHubModel, hubModel, listHubModelPage, updateHubModel } from "../../services/hub/models";
import { json, jsonBody } from "../common/schemas";
import { toHubModel } from "./presenter";
import {
  envelope,
  HubDeleted,
  HubHardQuery,
  HubListQuery,
  HubModel,
  HubModelBody,
  HubModelParams,
  isPythonTrue,
} from "./schemas";
import { z } from "@hono/zod-openapi";

const tags = ["HUB v1"];

export const hubGetModelRoute = createRoute({
  method: "get",
  path: "/v1/models/{modelId}",
  operationId: "get_v1_models_modelId",
  tags,
  summary: "Get a model (HUB document)",
  description: "The model as HUB clients read it, in `{data}`: the same model GET /api/models/{modelId} shows.",
  request: { params: HubModelParams },
  responses: { 200: json(envelope(HubModel), "The model"), ...errorResponses(401, 404, 429) },
});

export const hubCreateModelRoute = createRoute({
  method: "post",
  path: "/v1/models",
  operationId: "post_v1_models",
  tags,
  summary: "Create a model (HUB body)",
  description:
    "`meta.name`, `projectId` (the caller's `hub-models` project without one), `datasetId`, `config` (batchSize, cache, device, epochs, imageSize, patience) and `lineage` become the model's name and training arguments.",
  request: { body: jsonBody(HubModelBody) },
  responses: { 200: json(envelope(HubModel), "Created"), ...errorResponses(400, 401, 403, 404, 409, 429) },
});

export const hubUpdateModelRoute = createRoute({
  method: "patch",
  path: "/v1/models/{modelId}",
  operationId: "patch_v1_models_modelId",
  tags,
  summary: "Update a model",
  description: "`meta.name` renames it; `config` changes its training arguments.",
  request: { params: HubModelParams, body: jsonBody(HubModelBody.pick({ meta: true, config: true })) },
  responses: { 200: json(envelope(HubModel), "Updated"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const hubDeleteModelRoute = createRoute({
  method: "delete",
  path: "/v1/models/{modelId}",
  operationId: "delete_v1_models_modelId",
  tags,
  summary: "Delete a model",
  description:
    "`hard=False` (Python's spelling) moves it to the trash; `hard=True` deletes it for good, files and all.",
  request: { params: HubModelParams, query: HubHardQuery },
  responses: { 200: json(envelope(HubDeleted), "Deleted"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const hubListModelsRoute = createRoute({
  method: "get",
  path: "/v1/models",
  operationId: "get_v1_models",
  tags,
  summary: "List models",
  description:
    "The caller's models (or every public one with `public=True`), newest first: `results`, `total`, and `lastRecordId`, the cursor of the next page (`last_doc_id`), null on the last.",
  request: { query: HubListQuery },
  responses: {
    200: json(
      envelope(z.object({ results: z.array(HubModel), total: z.number(), lastRecordId: z.string().nullable() })),
      "A page",
    ),
    ...errorResponses(400, 401, 429),
  },
});

export const handleHubGetModel: AppHandler<typeof hubGetModelRoute> = async (c) =>
  c.json({ data: toHubModel(await hubModel(c.var.deps, c.var.actor, c.req.valid("param").modelId)) }, 200);

export const handleHubCreateModel: AppHandler<typeof hubCreateModelRoute> = async (c) =>
  c.json({ data: toHubModel(await createHubModel(c.var.deps, c.var.actor, c.req.valid("json"))) }, 200);

export const handleHubUpdateModel: AppHandler<typeof hubUpdateModelRoute> = async (c) => {
  const { modelId } = c.req.valid("param");
  return c.json({ data: toHubModel(await updateHubModel(c.var.deps, c.var.actor, modelId, c.req.valid("json"))) }, 200);
};

export const handleHubDeleteModel: AppHandler<typeof hubDeleteModelRoute> = async (c) => {
  const hard = isPythonTrue(c.req.valid("query").hard);
  await deleteHubModel(c.var.deps, c.var.actor, c.req.valid("param").modelId, hard);
  return c.json({ data: { deleted: true, hard } }, 200);
};

export const handleHubListModels: AppHandler<typeof hubListModelsRoute> = async (c) => {
  const query = c.req.valid("query");
  const page = await listHubModelPage(c.var.deps, c.var.actor, {
    limit: query.limit,
    lastDocId: query.last_doc_id,
    publicOnly: isPythonTrue(query.public),
  });
  return c.json(
    { data: { results: page.parts.map(toHubModel), total: page.total, lastRecordId: page.lastRecordId } },
    200,
  );
};
