import type { Executor } from "../types";
import { Predictor } from "./predictor";

/** Loaded models by file id (a new revision is a new id), most recently used last. */
const cache = new Map<string, Promise<Predictor>>();
const CACHE_SIZE = 4;

async function predictorFor(key: string, load: () => Promise<Uint8Array>): Promise<Predictor> {
  let entry = cache.get(key);
  if (entry) {
    cache.delete(key);
    cache.set(key, entry);
    return entry;
  }
  entry = load().then((bytes) => Predictor.load(bytes));
  entry.catch(() => cache.delete(key));
  cache.set(key, entry);
  while (cache.size > CACHE_SIZE) {
    const [oldest, evicted] = cache.entries().next().value!;
    cache.delete(oldest);
    void evicted.then((p) => p.close()).catch(() => {});
  }
  return entry;
}

/**
 * Inference on a picture with the model's ONNX file, answered in the Platform's predict shape:
 * per picture its [height, width], per-stage milliseconds and the boxes with class names.
 */
export const predictExecutor: Executor = async ({ claim, api }) => {
  const spec = claim.job.spec as { modelFileId?: string; conf?: number; iou?: number; maxDet?: number };
  const model = claim.inputs.model;
  const image = claim.inputs.image;
  if (!model || !image) throw new Error("A predict job needs the model and image inputs");
  const loadStart = performance.now();
  const predictor = await predictorFor(spec.modelFileId ?? model.url, () => api.download(model.url));
  const loadMs = performance.now() - loadStart;
  const prediction = await predictor.predictBytes(await api.download(image.url), {
    conf: spec.conf,
    iou: spec.iou,
    maxDet: spec.maxDet,
  });
  const names = predictor.info.names;
  return {
    result: {
      images: [
        {
          shape: prediction.shape,
          speed: prediction.speed,
          results: [
            ...(prediction.classification
              ? [
                  {
                    class: prediction.classification.classId,
                    name: names[prediction.classification.classId] ?? String(prediction.classification.classId),
                    confidence: prediction.classification.confidence,
                  },
                ]
              : []),
            ...prediction.detections.map((d) => ({
              class: d.classId,
              name: names[d.classId] ?? String(d.classId),
              confidence: d.confidence,
              box: { x1: d.x1, y1: d.y1, x2: d.x2, y2: d.y2 },
              ...(d.keypoints ? { keypoints: d.keypoints } : {}),
              ...(d.segments ? { segments: d.segments } : {}),
            })),
            ...prediction.orientedBoxes.map((o) => {
              const [x1, y1, x2, y2, x3, y3, x4, y4] = o.corners;
              return {
                class: o.classId,
                name: names[o.classId] ?? String(o.classId),
                confidence: o.confidence,
                box: { x1, y1, x2, y2, x3, y3, x4, y4 },
              };
            }),
          ],
        },
      ],
      metadata: { imageCount: 1, model: model.name, task: predictor.info.task, provider: predictor.provider, loadMs },
    },
  };
};
