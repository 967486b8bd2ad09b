/** The WebAssembly letterbox held to the byte-exact reference path, for the tests that check it. */
import { letterbox, toTensorData, type RgbImage } from "../src/executors/predict/letterbox";
import type { LetterboxKernel } from "../src/executors/predict/letterbox-kernel";

/** How many tensor values the kernel makes differently from the reference path (Infinity for another length). */
export function differencesFromReference(kernel: LetterboxKernel, image: RgbImage, size: number): number {
  const expected = toTensorData(letterbox(image, size).picture);
  const { tensor } = kernel.letterbox(image, size);
  if (tensor.length !== expected.length) return Number.POSITIVE_INFINITY;
  let count = 0;
  for (let i = 0; i < expected.length; i++) if (!Object.is(tensor[i], expected[i])) count++;
  return count;
}
