import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AppHandler } from "../../context";
import type { ModelRef } from "../../db/models";
import { ApiError, describeIssues, errorResponses } from "../../errors";
import { pictureFromForm } from "../../services/picture-intake";
import { actorOfPredictToken, PREDICT_MAX_BYTES, predict } from "../../services/predict";
import { readForm, textFields } from "../common/multipart";
import { json } from "../common/schemas";
import { pairedRoutes } from "../paired";
import { ModelIdParams, OwnerProjectModelParams } from "./schemas";

/** The form fields besides the picture, as the docs and the contract name them. */
export const PredictFields = z.object({
  conf: z.coerce
    .number()
    .min(0.0001)
    .max(1)
    .default(0.25)
    .openapi({ type: "number", description: "Confidence threshold (default 0.25)" }),
  iou: z.coerce
    .number()
    .min(0)
    .max(0.95)
    .default(0.7)
    .openapi({ type: "number", description: "IoU threshold for NMS (default 0.7)" }),
  imgsz: z.coerce
    .number()
    .int()
    .min(32)
    .max(1280)
    .default(640)
    .openapi({ type: "integer", description: "Inference size; a static-shape ONNX model runs at its own size" }),
  source: z
    .string()
    .max(PREDICT_MAX_BYTES * 2)
    .optional()
    .openapi({ description: "Image URL or base64-encoded image (alternative to file)" }),
});

const PredictForm = PredictFields.extend({
  file: z
    .string()
    .optional()
    .openapi({ format: "binary", description: "Image file (JPG, PNG, WebP, BMP, TIFF); video answers 400 for now" }),
});

/** Corners 3 and 4 only for oriented boxes (OBB models). */
const Box = z.object({
  x1: z.number(),
  y1: z.number(),
  x2: z.number(),
  y2: z.number(),
  x3: z.number().optional(),
  y3: z.number().optional(),
  x4: z.number().optional(),
  y4: z.number().optional(),
});
const Keypoints = z
  .object({ x: z.array(z.number()), y: z.array(z.number()), visible: z.array(z.number()).optional() })
  .openapi({ description: "Pose models: keypoints in picture pixels, invisible ones at (0, 0)" });
const Segments = z
  .object({ x: z.array(z.number()), y: z.array(z.number()) })
  .openapi({ description: "Segment models: the mask's outline as one polygon in picture pixels" });
export const PredictResponse = z
  .object({
    images: z.array(
      z.object({
        shape: z.array(z.number()).openapi({ description: "[height, width]" }),
        speed: z.object({ preprocess: z.number(), inference: z.number(), postprocess: z.number() }),
        results: z.array(
          z.object({
            name: z.string(),
            class: z.number().int(),
            confidence: z.number(),
            box: Box.optional().openapi({ description: "Absent for classify models (the top-1 class)" }),
            keypoints: Keypoints.optional(),
            segments: Segments.optional(),
          }),
        ),
      }),
    ),
    metadata: z.object({
      imageCount: z.number().int(),
      functionTimeAlive: z.number(),
      functionTimeCall: z.number(),
      model: z.string(),
      task: z.string(),
      version: z.record(z.string(), z.string()),
    }),
  })
  .openapi("PredictResponse");
const PredictQueued = z.object({ jobId: z.string(), status: z.string(), pollUrl: z.string() }).openapi("PredictQueued");

export const { byOwner: predictRoute, byId: predictByIdRoute } = pairedRoutes(
  {
    method: "post",
    tags: ["Models"],
    summary: "Run model inference",
    description:
      "Multipart `file` (or `source`: URL or base64), `conf`, `iou`, `imgsz`; at most 100 MB. Runs on the model's ONNX file (an uploaded .onnx, or its ONNX export, made on first use: 503 with Retry-After meanwhile) on the runner fleet and answers within 30 s, else 202 with the job to poll at /api/jobs/{jobId}.",
    request: { body: { required: true, content: { "multipart/form-data": { schema: PredictForm } } } },
    responses: {
      200: json(PredictResponse, "Predictions"),
      202: json(PredictQueued, "Still running: poll the job"),
      ...errorResponses(400, 401, 404, 413, 415, 429, 503),
    },
  },
  {
    byOwner: {
      path: "/api/models/{owner}/{project}/{model}/predict",
      operationId: "post_api_models_owner_project_model_predict",
      request: { params: OwnerProjectModelParams },
    },
    byId: {
      path: "/api/models/{modelId}/predict",
      operationId: "post_api_models_modelId_predict",
      request: { params: ModelIdParams },
    },
  },
);

async function answer(c: Context<AppEnv>, ref: ModelRef) {
  const form = await readForm(c, {
    expected: "a file field",
    maxBytes: PREDICT_MAX_BYTES + 1024 * 1024,
    tooLarge: `Predict uploads are at most ${PREDICT_MAX_BYTES} bytes`,
  });
  const fields = PredictFields.safeParse(textFields(form));
  if (!fields.success) throw new ApiError("VALIDATION_ERROR", describeIssues(fields.error.issues, "form"));
  const image = await pictureFromForm(form, fields.data.source);
  if ("data" in image && image.data.size > PREDICT_MAX_BYTES)
    throw new ApiError("PAYLOAD_TOO_LARGE", `Predict uploads are at most ${PREDICT_MAX_BYTES} bytes`);
  // The Predict tab's token stands for its user, for its one model (checked on every path form).
  const token = c.req.query("token");
  const tokenGrant = token ? await actorOfPredictToken(c.var.deps, token) : undefined;
  const actor = tokenGrant?.actor ?? c.var.actor;
  const request = {
    image,
    conf: fields.data.conf,
    iou: fields.data.iou,
    imgsz: fields.data.imgsz,
    onlyModelId: tokenGrant?.modelId,
  };
  const outcome = await predict(c.var.deps, actor, ref, request);
  if (outcome.kind === "queued")
    return c.json(
      { jobId: outcome.jobId, status: outcome.status, pollUrl: `${c.var.deps.baseUrl}/api/jobs/${outcome.jobId}` },
      202,
    );
  return c.json({ images: outcome.images, metadata: outcome.metadata } as z.infer<typeof PredictResponse>, 200);
}

export const handlePredict: AppHandler<typeof predictRoute> = async (c) => {
  const { owner, project, model } = c.req.valid("param");
  return answer(c, { owner, project, slug: model });
};

export const handlePredictById: AppHandler<typeof predictByIdRoute> = async (c) =>
  answer(c, { id: c.req.valid("param").modelId });
