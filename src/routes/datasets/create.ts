import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import { createDataset } from "../../services/datasets";
import { slugify } from "../../services/resource-edits";
import { json, jsonBody } from "../common/schemas";
import { toCreatedDataset } from "./presenter";
import { CreateDatasetResponse, DatasetCreate } from "./schemas";

export const createDatasetRoute = createRoute({
  method: "post",
  path: "/api/datasets",
  operationId: "post_api_datasets",
  tags: ["Datasets"],
  summary: "Create a dataset",
  description:
    "Creates an empty dataset in the caller's workspace or an editable one named by `owner`. Honours Idempotency-Key.",
  request: { body: jsonBody(DatasetCreate) },
  responses: { 201: json(CreateDatasetResponse, "Dataset created"), ...errorResponses(400, 401, 403, 409, 429) },
});

export const handleCreateDataset: AppHandler<typeof createDatasetRoute> = async (c) => {
  const { dataset, slug: alias, ...body } = c.req.valid("json");
  const slug = dataset ?? alias ?? slugify(body.name ?? "");
  if (!slug) throw new ApiError("VALIDATION_ERROR", "Invalid body: dataset: could not derive a dataset name from name");
  const view = await createDataset(c.var.deps, c.var.actor, { ...body, slug, name: body.name ?? slug });
  return c.json(toCreatedDataset(view), 201);
};
