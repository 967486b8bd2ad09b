import { z } from "@hono/zod-openapi";

/** What the ultralytics package posts: an event, the model (by id, or by project and name), and its data. */
export const TrainingEventBody = z
  .object({
    event: z.string().min(1).max(64).openapi({ example: "epoch_end" }),
    modelId: z.string().max(64).optional(),
    project: z.string().max(200).optional().openapi({ description: '"owner/project"', example: "alice/inspection" }),
    name: z.string().max(200).optional().openapi({ description: "The run's model name", example: "exp1" }),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("TrainingEvent");

export const TrainingEventResponse = z
  .object({
    ok: z.boolean().optional(),
    modelId: z.string().optional(),
    modelSlug: z.string().optional(),
    runId: z.string().optional(),
    cancelled: z.boolean().optional().openapi({ description: "True once the run is cancelled: stop training" }),
    ignored: z.boolean().optional(),
  })
  .openapi("TrainingEventResponse");

export const CheckpointUrlBody = z.object({
  filename: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}\.pt$/, "must be a checkpoint file name (best.pt, last.pt)")
    .openapi({ example: "best.pt" }),
  modelId: z.string().max(64).optional(),
  project: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
  runId: z.string().max(64).optional(),
});

export const CheckpointUrlResponse = z.object({
  uploadUrl: z.string().openapi({ description: "A plain PUT of the file's bytes (application/octet-stream, no auth)" }),
  gcsPath: z.string().openapi({ description: "Where the file is stored" }),
  uploadPath: z.string().optional(),
  expiresAt: z.string(),
});
