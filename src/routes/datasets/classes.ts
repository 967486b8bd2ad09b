import { z } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { deleteClasses, mergeClasses } from "../../services/dataset-edits";
import { json, jsonBody } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { DatasetIdParams, OwnerDatasetParams } from "./schemas";

const ClassId = z.number().int().min(0);
const ClassIds = z.array(ClassId).min(1).max(25_000);
export const MergeClassesBody = z.object({ sourceClassIds: ClassIds, targetClassId: ClassId });
export const MergeClassesResponse = z
  .object({
    success: z.literal(true),
    classNames: z.array(z.string()),
    classColors: z.record(z.string(), z.string()),
    mergedClassIds: z.array(ClassId),
    targetClassId: ClassId,
  })
  .openapi("MergeDatasetClassesResponse");
export const DeleteClassesBody = z.object({ classIds: ClassIds });
export const DeleteClassesResponse = z
  .object({
    success: z.literal(true),
    classNames: z.array(z.string()),
    classColors: z.record(z.string(), z.string()),
    deletedClassIds: z.array(ClassId),
    deletedAnnotations: z.number().int().min(0),
  })
  .openapi("DeleteDatasetClassesResponse");

const byOwner = (action: string) => ({
  path: `/api/datasets/{owner}/{dataset}/classes/${action}`,
  operationId: `post_api_datasets_owner_dataset_classes_${action}`,
  request: { params: OwnerDatasetParams },
});
const byId = (action: string) => ({
  path: `/api/datasets/{datasetId}/classes/${action}`,
  operationId: `post_api_datasets_datasetId_classes_${action}`,
  request: { params: DatasetIdParams },
});
const responses = errorResponses(400, 401, 403, 404, 409, 429);

export const { byOwner: mergeClassesRoute, byId: mergeClassesByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Datasets"],
    summary: "Merge classes",
    description:
      "Relabels every annotation of the source classes as the target class, then removes the sources; later classes move down so ids stay dense (answered: the target's new id). Browser session only.",
    request: { body: jsonBody(MergeClassesBody) },
    responses: { 200: json(MergeClassesResponse, "Merged"), ...responses },
  },
  { byOwner: byOwner("merge"), byId: byId("merge") },
);

export const { byOwner: deleteClassesRoute, byId: deleteClassesByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Datasets"],
    summary: "Delete classes",
    description:
      "Removes the classes and every annotation of them; later classes move down so ids stay dense. Browser session only.",
    request: { body: jsonBody(DeleteClassesBody) },
    responses: { 200: json(DeleteClassesResponse, "Deleted"), ...responses },
  },
  { byOwner: byOwner("delete"), byId: byId("delete") },
);

const refOf = (param: { owner: string; dataset: string } | { datasetId: string }) =>
  "datasetId" in param ? { id: param.datasetId } : { owner: param.owner, slug: param.dataset };

export const handleMergeClasses: AppHandler<typeof mergeClassesRoute, SignedInActor> = async (c) =>
  c.json(
    {
      success: true as const,
      ...(await mergeClasses(c.var.deps, c.var.actor, refOf(c.req.valid("param")), c.req.valid("json"))),
    },
    200,
  );
export const handleMergeClassesById: AppHandler<typeof mergeClassesByIdRoute, SignedInActor> = async (c) =>
  c.json(
    {
      success: true as const,
      ...(await mergeClasses(c.var.deps, c.var.actor, refOf(c.req.valid("param")), c.req.valid("json"))),
    },
    200,
  );

export const handleDeleteClasses: AppHandler<typeof deleteClassesRoute, SignedInActor> = async (c) => {
  const done = await deleteClasses(c.var.deps, c.var.actor, refOf(c.req.valid("param")), c.req.valid("json").classIds);
  return c.json({ success: true as const, ...done }, 200);
};
export const handleDeleteClassesById: AppHandler<typeof deleteClassesByIdRoute, SignedInActor> = async (c) => {
  const done = await deleteClasses(c.var.deps, c.var.actor, refOf(c.req.valid("param")), c.req.valid("json").classIds);
  return c.json({ success: true as const, ...done }, 200);
};
