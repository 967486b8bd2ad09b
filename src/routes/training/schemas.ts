import { z } from "@hono/zod-openapi";
import { TRAINING_TYPES } from "../../billing/gpu-prices";
import { TRAIN_ARG_RULES } from "../models/train-args";

const { model, data, epochs, ...optional } = TRAIN_ARG_RULES;

/** The contract's training arguments, each within its range; anything else is refused. */
const TrainArgs = z
  .object({
    model: z
      .union([model, z.string().regex(/^mdl_[0-9a-z]{20}$/)])
      .openapi({ description: "An official model (yolo26n.pt), a ul://owner/project/model, or a model id" }),
    data: z
      .union([data, z.string().regex(/^dst_[0-9a-z]{20}$/)])
      .openapi({ description: "ul://owner/datasets/slug, or a dataset id" }),
    epochs,
    task: z.enum(["detect", "segment", "semantic", "depth", "classify", "pose", "obb"]).optional(),
    ...Object.fromEntries(Object.entries(optional).map(([key, rule]) => [key, rule.optional()])),
  })
  .strict();

export const TrainingStartBody = z
  .object({
    modelId: z.string().regex(/^mdl_[0-9a-z]{20}$/, "must be a model id"),
    gpuType: z
      .enum(TRAINING_TYPES)
      .default("rtx-4090")
      .openapi({ description: "A GPU type the live fleet offers, or `cpu` (EdgeHub's addition)" }),
    captureDatasetVersion: z.boolean().default(false),
    trainArgs: TrainArgs,
  })
  .openapi("TrainingStartRequest");

export const TrainingStartResponse = z
  .object({
    modelId: z.string(),
    status: z.literal("starting"),
    gpuType: z.string(),
    estimatedCost: z.object({ pricePerHour: z.number(), gpuMemoryGb: z.number() }),
    billing: z.object({
      estimatedCostCents: z.number(),
      estimatedCostDisplay: z.string(),
      balanceCents: z.number(),
    }),
  })
  .openapi("TrainingStartResponse");

export const GpuAvailabilityResponse = z
  .record(z.string(), z.enum(["High", "Medium", "Low"]).nullable())
  .openapi("GpuAvailabilityResponse", { description: "Current training capacity by GPU ID" });
