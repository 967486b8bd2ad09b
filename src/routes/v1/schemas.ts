import { z } from "@hono/zod-openapi";

export const HubModelId = z
  .string()
  .regex(/^mdl_[0-9a-z]{20}$/, "must be a model id")
  .openapi({ param: { name: "modelId", in: "path" } });
export const HubModelParams = z.object({ modelId: HubModelId });

/** `{data: ...}`: every HUB v1 answer is wrapped so. */
export const envelope = <T extends z.ZodType>(data: T) => z.object({ data });

export const HubModel = z.record(z.string(), z.unknown()).openapi("HubModel", {
  description: "A model as HUB clients read it: status new/training/trained, weights, resume, data, train_args",
});

export const HubModelBody = z
  .object({
    meta: z.object({ name: z.string().max(100).optional() }).optional(),
    projectId: z
      .string()
      .regex(/^prj_[0-9a-z]{20}$/)
      .optional(),
    datasetId: z
      .string()
      .regex(/^dst_[0-9a-z]{20}$/)
      .optional(),
    config: z
      .object({
        batchSize: z.number().int().min(-1).max(512).optional(),
        cache: z.union([z.string().max(10), z.boolean()]).optional(),
        device: z.union([z.string().max(20), z.number()]).optional(),
        epochs: z.number().int().min(1).max(10000).optional(),
        imageSize: z.number().int().min(32).max(4096).optional(),
        patience: z.number().int().min(0).max(10000).optional(),
      })
      .optional(),
    dataset: z.object({ name: z.string().max(200).optional() }).optional(),
    lineage: z
      .object({
        architecture: z.object({ name: z.string().max(200).optional() }).optional(),
        parent: z.object({ name: z.string().max(200).optional() }).optional(),
      })
      .optional(),
  })
  .openapi("HubModelCreate");

export const HubListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  last_doc_id: z
    .string()
    .regex(/^mdl_[0-9a-z]{20}$/)
    .optional(),
  public: z.enum(["True", "False", "true", "false"]).optional(),
});

/** Python's spelling of booleans in a query (`hard=True`). */
export const PythonBool = z.enum(["True", "False", "true", "false"]);
export const isPythonTrue = (value: string | undefined) => value?.toLowerCase() === "true";

/** `?hard=True|False` of every HUB delete, and its answer. */
export const HubHardQuery = z.object({ hard: PythonBool.default("False") });
export const HubDeleted = z.object({ deleted: z.boolean(), hard: z.boolean() });

/** A HUB project or dataset document (toHubProject, toHubDataset). */
export const HubDoc = z.record(z.string(), z.unknown());

/** hub-sdk's project and dataset body: `meta.name` (required to create), `meta.description`, `public`. */
export const HubResourceBody = z
  .object({
    meta: z
      .object({ name: z.string().min(1).max(100).optional(), description: z.string().max(1000).optional() })
      .optional(),
    public: z.boolean().optional(),
  })
  .openapi("HubResourceBody");

export const HubProjectParams = z.object({
  projectId: z
    .string()
    .regex(/^prj_[0-9a-z]{20}$/, "must be a project id")
    .openapi({ param: { name: "projectId", in: "path" } }),
});
export const HubDatasetParams = z.object({
  datasetId: z
    .string()
    .regex(/^dst_[0-9a-z]{20}$/, "must be a dataset id")
    .openapi({ param: { name: "datasetId", in: "path" } }),
});
