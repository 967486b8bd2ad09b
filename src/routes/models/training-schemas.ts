import { z } from "@hono/zod-openapi";
import { MODEL_STATUSES } from "../../db/schema";

const Instant = z.string().openapi({ format: "date-time" });
const Point = z.object({ epoch: z.number().int(), value: z.number().nullable() });

/** A run as the contract's TrainingProgressResponse describes it. */
const TrainingJob = z.object({
  id: z.string(),
  status: z.enum(MODEL_STATUSES).openapi({ description: "Training/model status" }),
  progress: z.object({
    currentEpoch: z.number(),
    totalEpochs: z.number(),
    startedAt: Instant.optional(),
    completedAt: Instant.optional(),
    percentage: z.number(),
  }),
  timing: z.object({ elapsedMs: z.number(), timePerEpochMs: z.number(), etaMs: z.number() }),
  compute: z.object({ gpuType: z.string(), gpuDisplayName: z.string(), gpuMemoryGb: z.number() }).nullable(),
  trainArgs: z
    .object({
      model: z.string().optional(),
      epochs: z.union([z.number(), z.string()]).optional(),
      batch: z.union([z.number(), z.string()]).optional(),
      imgsz: z.union([z.number(), z.string()]).optional(),
    })
    .nullable(),
  epochMetrics: z.record(z.string(), z.number()).nullable(),
  error: z.object({ message: z.string(), code: z.string().optional(), timestamp: Instant }).nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});

export const TrainingProgressResponse = z
  .object({
    job: TrainingJob.nullable(),
    charts: z
      .record(z.string(), z.record(z.string(), z.array(Point)))
      .optional()
      .openapi({
        description:
          "With `include=detail` (EdgeHub's addition): per Train-tab chart (metrics, trainLoss, valLoss, learningRate), each metric's value per epoch",
      }),
    jobId: z.string().nullable().optional().openapi({
      description: "With `include=detail`: the cloud job that runs it (`/api/jobs/{id}`); null on a user's machine",
    }),
    console: z.string().optional().openapi({ description: "With `include=detail`: the console's last lines" }),
    system: z
      .record(z.string(), z.unknown())
      .nullable()
      .optional()
      .openapi({ description: "With `include=detail`: the newest system stats" }),
  })
  .openapi("TrainingProgressResponse");

export const TrainingQuery = z.object({
  include: z.enum(["detail"]).optional().openapi({ description: "`detail` adds charts, console and system stats" }),
});

export const CancelTrainingResponse = z
  .object({ success: z.literal(true), status: z.literal("cancelled"), warning: z.string().optional() })
  .openapi("CancelTrainingResponse");
