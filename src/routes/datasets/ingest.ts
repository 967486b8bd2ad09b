import { createRoute, z } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { startIngest } from "../../services/ingest";
import { json, jsonBody } from "../common/schemas";
import { DatasetId, OwnerDatasetParams } from "./schemas";

const IngestFields = {
  sessionId: z.string().max(128).optional().openapi({ description: "Upload session ID of an archive (signed-url)" }),
  sourceUrl: z
    .string()
    .max(4096)
    .optional()
    .openapi({ description: "A remote .zip, .tar, .tar.gz, .tgz or .ndjson, fetched by the runner through the guard" }),
  targetSplit: z
    .enum(["train", "val", "test"])
    .optional()
    .openapi({ description: "Put every new image in this split (overrides the archive's structure)" }),
  conflictPolicy: z
    .enum(["skip", "keep_both", "replace"])
    .optional()
    .openapi({ description: "A picture whose bytes, or name in its split, the dataset already holds (default skip)" }),
  classMapping: z
    .record(
      z.string().min(1).max(1000),
      z.union([z.number().int().min(0).max(24_999), z.string().min(1).max(100), z.null()]),
    )
    .refine((value) => Object.keys(value).length <= 25_000, "at most 25,000 classes")
    .optional()
    .openapi({ description: "Archive class name -> this dataset's class (id or name); null drops the class" }),
};
export const IngestBody = z.object(IngestFields).strict();
export const IngestByIdBody = z.object({ datasetId: DatasetId, ...IngestFields }).strict();
export const IngestResponse = z
  .object({ jobId: z.string(), status: z.literal("queued") })
  .openapi("IngestDatasetResponse");

const description =
  "Queues an ingest job: exactly one of `sessionId` (a completed upload of a ZIP, TAR, TAR.GZ, TGZ or NDJSON) or `sourceUrl`. A runner reads the standard Ultralytics layouts (data.yaml with images/ and labels/ per split; classification folder per class), stores each picture once by its SHA-256 with a thumbnail, and records per-file errors without failing the dataset. Follow the job at GET /api/jobs/{jobId}; the dataset is `processing` until it ends (409 meanwhile).";
const responses = { 201: json(IngestResponse, "Ingest queued"), ...errorResponses(400, 401, 403, 404, 409, 429, 503) };

export const ingestRoute = createRoute({
  method: "post",
  path: "/api/datasets/{owner}/{dataset}/ingest",
  operationId: "post_api_datasets_owner_dataset_ingest",
  tags: ["Datasets"],
  summary: "Ingest images into a dataset",
  description,
  request: { params: OwnerDatasetParams, body: jsonBody(IngestBody) },
  responses,
});

/** The docs' form: the dataset is named in the body. */
export const ingestByIdRoute = createRoute({
  method: "post",
  path: "/api/datasets/ingest",
  operationId: "post_api_datasets_ingest",
  tags: ["Datasets"],
  summary: "Ingest images into a dataset (docs form)",
  description: `The docs' form of post_api_datasets_owner_dataset_ingest, with \`datasetId\` in the body. ${description}`,
  request: { body: jsonBody(IngestByIdBody) },
  responses,
});

export const handleIngest: AppHandler<typeof ingestRoute, SignedInActor> = async (c) => {
  const { owner, dataset } = c.req.valid("param");
  const job = await startIngest(c.var.deps, c.var.actor, { owner, slug: dataset }, c.req.valid("json"));
  return c.json({ jobId: job.id, status: "queued" as const }, 201);
};

export const handleIngestById: AppHandler<typeof ingestByIdRoute, SignedInActor> = async (c) => {
  const { datasetId, ...request } = c.req.valid("json");
  const job = await startIngest(c.var.deps, c.var.actor, { id: datasetId }, request);
  return c.json({ jobId: job.id, status: "queued" as const }, 201);
};
