import * as ort from "onnxruntime-node";
import { decodeImage } from "./decode-image";
import type { LetterboxGeometry, RgbImage } from "./letterbox";
import { LetterboxKernel } from "./letterbox-kernel";
import { classifyTensor, topClass } from "./classify";
import { decodeOriented, scaleOriented, type OrientedBox } from "./obb";
import { scaleKeypoints, type Keypoints } from "./pose";
import { maskPolygon, processMasks, scalePolygon, type Prototypes, type Segment } from "./segment";
import { decodeDetections, scaleToOriginal, type Detection } from "./postprocess";
import { openSession, type ModelInfo } from "./session";

export interface PredictOptions {
  conf?: number;
  iou?: number;
  maxDet?: number;
}

/** A kernel grown past this by a huge picture is dropped rather than kept (its memory cannot shrink). */
const KEEP_KERNEL_BYTES = 64 * 1024 * 1024;

/** The heads this runner decodes. */
const TASKS = ["detect", "segment", "pose", "obb", "classify"];

export type PoseDetection = Omit<Detection, "extras"> & { keypoints?: Keypoints; segments?: Segment };

export interface ImagePrediction {
  /** [height, width] of the original picture. */
  shape: [number, number];
  /** detect, segment (with segments) and pose (with keypoints): axis-aligned boxes. */
  detections: PoseDetection[];
  /** obb: oriented boxes. */
  orientedBoxes: OrientedBox[];
  /** classify: the top-1 class. */
  classification?: { classId: number; confidence: number };
  speed: { preprocess: number; inference: number; postprocess: number };
}

/** A loaded detect model: picture bytes in, Ultralytics' boxes out, with per-stage timings (ms). */
export class Predictor {
  /** A letterbox kernel between pictures; a concurrent call on the same model makes its own. */
  private spare?: LetterboxKernel;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly info: ModelInfo,
    readonly provider: string,
  ) {}

  static async load(onnx: Uint8Array): Promise<Predictor> {
    const { session, info, provider } = await openSession(onnx);
    if (!TASKS.includes(info.task))
      throw new Error(`This runner predicts with ${TASKS.join(", ")} models; the model's task is ${info.task}`);
    if (info.task === "pose" && !info.kptShape)
      throw new Error("A pose model needs kpt_shape in its ONNX metadata (Ultralytics' exporter writes it)");
    if (info.task === "segment" && !info.prototypeName)
      throw new Error("A segment model needs its second output, the mask prototypes");
    return new Predictor(session, info, provider);
  }

  async predictBytes(bytes: Uint8Array, options: PredictOptions = {}): Promise<ImagePrediction> {
    return this.predictImage(await decodeImage(bytes), options);
  }

  async predictImage(image: RgbImage, options: PredictOptions = {}): Promise<ImagePrediction> {
    if (this.info.task === "classify") return this.classify(image);
    const size = this.info.imgsz;
    let t = performance.now();
    const kernel = this.spare ?? new LetterboxKernel();
    this.spare = undefined;
    // The tensor lives in the kernel's memory: the kernel is kept only once the run is over.
    const { tensor, geometry } = kernel.letterbox(image, size);
    const input = new ort.Tensor("float32", tensor, [1, 3, size, size]);
    const preprocess = performance.now() - t;

    t = performance.now();
    const {
      data: output,
      rows,
      prototypes,
    } = await this.run(input).finally(() => {
      if (kernel.bytes <= KEEP_KERNEL_BYTES) this.spare = kernel;
    });
    const inference = performance.now() - t;

    t = performance.now();
    const nms = { conf: options.conf ?? 0.25, iou: options.iou ?? 0.7, maxDet: options.maxDet ?? 300 };
    let detections: PoseDetection[] = [];
    let orientedBoxes: OrientedBox[] = [];
    if (this.info.task === "obb") {
      orientedBoxes = scaleOriented(decodeOriented(output, rows - 5, nms), geometry);
    } else if (this.info.task === "pose") {
      const kptShape = this.info.kptShape!;
      const extra = kptShape[0] * kptShape[1];
      detections = scaleToOriginal(
        decodeDetections(output, rows - 4 - extra, nms, extra),
        geometry,
        image.width,
        image.height,
      ).map(({ extras, ...box }) => ({
        ...box,
        keypoints: scaleKeypoints(extras!, kptShape, geometry, image.width, image.height),
      }));
    } else if (this.info.task === "segment") {
      detections = this.segment(
        decodeDetections(output, rows - 4 - prototypes!.count, nms, prototypes!.count),
        prototypes!,
        geometry,
        image,
      );
    } else {
      detections = scaleToOriginal(decodeDetections(output, rows - 4, nms), geometry, image.width, image.height);
    }
    const postprocess = performance.now() - t;
    return {
      shape: [image.height, image.width],
      detections,
      orientedBoxes,
      speed: { preprocess, inference, postprocess },
    };
  }

  /** Masks for the kept boxes; a box whose mask is empty is dropped, as Ultralytics drops it. */
  private segment(
    boxes: Detection[],
    prototypes: Prototypes,
    geometry: LetterboxGeometry,
    image: RgbImage,
  ): PoseDetection[] {
    const size = this.info.imgsz;
    const masks = processMasks(boxes, prototypes, size);
    const kept = boxes.filter((_, i) => masks[i]);
    const polygons = masks.flatMap((mask) => (mask ? [maskPolygon(mask)] : []));
    return scaleToOriginal(kept, geometry, image.width, image.height).map(({ extras: _, ...box }, i) => ({
      ...box,
      segments: scalePolygon(polygons[i]!, geometry, image.width, image.height),
    }));
  }

  /** Resize + centre crop (PIL-exact), the model's probabilities, the top-1 class. */
  private async classify(image: RgbImage): Promise<ImagePrediction> {
    const size = this.info.imgsz;
    let t = performance.now();
    const input = new ort.Tensor("float32", classifyTensor(image, size), [1, 3, size, size]);
    const preprocess = performance.now() - t;
    t = performance.now();
    const { data } = await this.run(input);
    const inference = performance.now() - t;
    t = performance.now();
    const classification = topClass(data);
    const postprocess = performance.now() - t;
    return {
      shape: [image.height, image.width],
      detections: [],
      orientedBoxes: [],
      classification,
      speed: { preprocess, inference, postprocess },
    };
  }

  /** One forward pass on a prepared [1, 3, size, size] tensor: the raw [1, 4 + nc + extra, n] output, its row count, a segment model's prototypes. */
  async run(input: ort.Tensor): Promise<{ data: Float32Array; rows: number; prototypes?: Prototypes }> {
    const results = await this.session.run({ [this.info.inputName]: input });
    const output = results[this.info.outputName]!;
    const protos = this.info.prototypeName ? results[this.info.prototypeName] : undefined;
    const prototypes =
      protos && this.info.task === "segment"
        ? {
            data: protos.data as Float32Array,
            count: Number(protos.dims[1]),
            height: Number(protos.dims[2]),
            width: Number(protos.dims[3]),
          }
        : undefined;
    return { data: output.data as Float32Array, rows: Number(output.dims[1]), ...(prototypes ? { prototypes } : {}) };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
