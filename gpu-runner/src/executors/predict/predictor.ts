import * as ort from "onnxruntime-node";
import { decodeImage } from "./decode-image";
import { letterboxTensor, type RgbImage } from "./letterbox";
import { decodeDetections, scaleToOriginal, type Detection } from "./postprocess";
import { openSession, type ModelInfo } from "./session";

export interface PredictOptions {
  conf?: number;
  iou?: number;
  maxDet?: number;
}

export interface ImagePrediction {
  /** [height, width] of the original picture. */
  shape: [number, number];
  detections: Detection[];
  speed: { preprocess: number; inference: number; postprocess: number };
}

/** A loaded detect model: picture bytes in, Ultralytics' boxes out, with per-stage timings (ms). */
export class Predictor {
  private spare?: Float32Array;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly info: ModelInfo,
    readonly provider: string,
  ) {}

  static async load(onnx: Uint8Array): Promise<Predictor> {
    const { session, info, provider } = await openSession(onnx);
    if (info.task !== "detect") throw new Error(`This runner predicts with detect models; the model's task is ${info.task}`);
    return new Predictor(session, info, provider);
  }

  async predictBytes(bytes: Uint8Array, options: PredictOptions = {}): Promise<ImagePrediction> {
    return this.predictImage(await decodeImage(bytes), options);
  }

  async predictImage(image: RgbImage, options: PredictOptions = {}): Promise<ImagePrediction> {
    const size = this.info.imgsz;
    let t = performance.now();
    // One spare input buffer; a concurrent call on the same model allocates its own.
    const { tensor, geometry } = letterboxTensor(image, size, this.spare);
    this.spare = undefined;
    const input = new ort.Tensor("float32", tensor, [1, 3, size, size]);
    const preprocess = performance.now() - t;

    t = performance.now();
    const { data: output, rows } = await this.run(input).finally(() => (this.spare = tensor));
    const inference = performance.now() - t;

    t = performance.now();
    const raw = decodeDetections(output, rows - 4, { conf: options.conf ?? 0.25, iou: options.iou ?? 0.7, maxDet: options.maxDet ?? 300 });
    const detections = scaleToOriginal(raw, geometry, image.width, image.height);
    const postprocess = performance.now() - t;
    return { shape: [image.height, image.width], detections, speed: { preprocess, inference, postprocess } };
  }

  /** One forward pass on a prepared [1, 3, size, size] tensor: the raw [1, 4 + nc, n] output and its row count. */
  async run(input: ort.Tensor): Promise<{ data: Float32Array; rows: number }> {
    const results = await this.session.run({ [this.info.inputName]: input });
    const output = results[this.info.outputName]!;
    return { data: output.data as Float32Array, rows: Number(output.dims[1]) };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
