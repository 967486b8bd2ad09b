import { z } from "@hono/zod-openapi";
import { GPU_TYPES } from "../../billing/gpu-prices";
import { EXPORT_FORMATS, JOB_STATUSES } from "../../db/schema";
import { isId } from "../../ids";
import { Region, Timestamp } from "../common/schemas";
import { ModelId, OwnerProjectModelParams } from "../models/schemas";

export const ExportFormat = z
  .enum(EXPORT_FORMATS)
  .openapi({ description: "Target export format (the contract's names; the docs' tflite and tfjs too)" });
export const GpuType = z.enum(GPU_TYPES).openapi({ description: "Target GPU type for TensorRT (engine) exports" });
export const JobStatus = z.enum(JOB_STATUSES).openapi({ description: "Job status" });

export const ExportId = z
  .string()
  .refine((value) => isId("export", value), "must be an export id (exp_...)")
  .openapi({ description: "Export ID", example: "exp_0123456789abcdefghij" });

export const ExportIdParams = z.object({ exportId: ExportId.openapi({ param: { name: "exportId", in: "path" } }) });
export const OwnerModelExportParams = OwnerProjectModelParams.extend({
  exportId: ExportId.openapi({ param: { name: "exportId", in: "path" } }),
});

const RKNN = [
  "rk3588",
  "rk3576",
  "rk3566",
  "rk3568",
  "rk3562",
  "rv1103",
  "rv1106",
  "rv1103b",
  "rv1106b",
  "rk2118",
  "rv1126b",
] as const;
const QNN = ["68", "69", "73", "75", "79", "81", "iq-8275", "qcs8275"] as const;
const HAILO = ["hailo8", "hailo8l", "hailo10h", "hailo15h", "hailo15l"] as const;
const ASCEND = ["Ascend310P3", "Ascend310P1", "Ascend310B4", "Ascend310B1"] as const;

/** The contract's export arguments; anything else is refused by name. */
export const ExportArgs = z
  .object({
    imgsz: z.number().int().min(32).max(8192).optional(),
    quantize: z
      .union([
        z.literal(8),
        z.literal(16),
        z.literal(32),
        z.enum(["8", "16", "32", "int8", "fp16", "fp32", "w8a8", "w16a16", "w32a32", "w8a16", "w8a32"]),
      ])
      .optional(),
    half: z.boolean().optional().openapi({ description: "FP16 (the docs' form of quantize 16)" }),
    int8: z.boolean().optional().openapi({ description: "INT8 (the docs' form of quantize 8)" }),
    dynamic: z.boolean().optional(),
    simplify: z.boolean().optional(),
    opset: z.number().int().min(9).max(23).optional(),
    conf: z.number().min(0).max(1).optional(),
    iou: z.number().min(0).max(1).optional(),
    batch: z.number().int().min(1).max(32).optional(),
    workspace: z.number().min(1).max(16).optional(),
    nms: z.boolean().optional(),
    end2end: z.boolean().optional(),
    optimize: z.boolean().optional(),
    keras: z.boolean().optional(),
    name: z
      .union([z.enum(RKNN), z.enum(QNN), z.enum(HAILO), z.enum(ASCEND)])
      .optional()
      .openapi({ description: "Target chip (rknn, qnn, hailo, ascend)" }),
  })
  .strict();

export const ExportCreateFields = {
  format: ExportFormat,
  gpuType: GpuType.optional(),
  args: z.union([ExportArgs, z.null()]).optional(),
};
export const ExportCreate = z.object({ modelId: ModelId, ...ExportCreateFields }).openapi("ExportCreate");
export const ModelExportCreate = z.object(ExportCreateFields).openapi("ModelExportCreate");

/** The contract's Export. */
export const Export = z
  .object({
    id: z.string(),
    status: JobStatus,
    format: z.string(),
    args: z.record(z.string(), z.unknown()).optional(),
    gpuType: z.string().optional(),
    file: z
      .object({
        size: z.number().optional(),
        downloadUrl: z.string().optional(),
        downloadFilename: z.string().optional(),
      })
      .optional(),
    error: z.object({ message: z.string(), timestamp: Timestamp }).optional(),
    startedAt: Timestamp.optional(),
    completedAt: Timestamp.optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Export");

/** EdgeHub's additions on id-path answers: the model, the job and why it waits, if it does. */
const ExportExtras = {
  modelId: z.string().optional(),
  jobId: z.string().optional(),
  attempt: z.number().int().optional(),
  waitingReason: z.string().optional().openapi({ description: "Why no runner has taken the job yet" }),
};

export const ExportDetailResponse = z.object({ export: Export.extend(ExportExtras) }).openapi("ExportDetailResponse");
export const ListExportsResponse = z
  .object({ exports: z.array(Export.extend(ExportExtras)), region: Region })
  .openapi("ListExportsResponse");
export const CreateExportResponse = z
  .object({
    id: z.string(),
    format: z.string(),
    status: z.enum(["queued", "running"]),
    gpuType: z.string().optional(),
    region: Region,
    waitingReason: z.string().optional(),
  })
  .openapi("CreateExportResponse");
export const DeleteExportResponse = z
  .object({ success: z.literal(true), action: z.enum(["cancelled", "deleted"]) })
  .openapi("DeleteExportResponse");

export const ListExportsQuery = z.object({
  modelId: ModelId,
  status: JobStatus.optional(),
  limit: z.coerce
    .number()
    .int()
    .positive()
    .max(100)
    .default(20)
    .openapi({ type: "integer", description: "Max results (max 100)" }),
});
export const ListModelExportsQuery = ListExportsQuery.omit({ modelId: true });
