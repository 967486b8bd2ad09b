/**
 * The WebAssembly letterbox against the byte-exact reference path (letterbox.ts, itself held to
 * Ultralytics' bytes in predict.test.ts), value for value, on pictures of every shape: resized up
 * and down, exactly halved, unresized, narrower than a SIMD step, and one kernel reused across all of them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assembleWat, LETTERBOX_WAT } from "../scripts/build-wasm";
import type { RgbImage } from "../src/executors/predict/letterbox";
import { LetterboxKernel } from "../src/executors/predict/letterbox-kernel";
import { differencesFromReference as differences } from "./letterbox-reference";

/** A deterministic noise picture (xorshift32), so a failure reproduces. */
function noise(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let state = seed || 1;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = state & 255;
  }
  return { width, height, data };
}

describe("the letterbox kernel", () => {
  it("is the assembly of the committed WebAssembly text (npm run build:wasm)", async () => {
    const committed = new Uint8Array(readFileSync(LETTERBOX_WAT.replace(/\.wat$/, ".wasm")));
    expect(Buffer.from(await assembleWat(LETTERBOX_WAT)).equals(committed)).toBe(true);
  });

  it("matches the reference path on pictures of every shape, with one kernel reused throughout", () => {
    const reused = new LetterboxKernel();
    const cases: [number, number, number][] = [
      [1280, 720, 640], // exactly halved: the 2x2 mean
      [720, 1280, 640], // exactly halved, portrait
      [16, 400, 200], // exactly halved to width 8, one step
      [18, 400, 200], // exactly halved to width 9, the last step moved back
      [14, 400, 200], // halved to width 7, narrower than its step: the bilinear loops
      [1282, 720, 641], // halved in width only: the bilinear loops
      [1920, 1080, 640], // down by 3
      [333, 517, 640], // up, odd sizes
      [641, 479, 640], // down by a hair
      [640, 480, 640], // unresized, landscape
      [427, 640, 640], // unresized, portrait, width not a multiple of 16
      [15, 640, 640], // unresized, narrower than a 16-pixel step
      [7, 9, 9], // unresized and tiny
      [2000, 30, 640], // wide and flat
      [30, 2000, 640], // tall and narrow: resized width 10
      [1000, 3, 320], // resized width 320, height 1
      [3, 1000, 320], // resized width 1: the reference path
      [1, 1, 64], // a single pixel, scaled up
      [4096, 2160, 1280], // a large picture at a large imgsz
      [500, 375, 32], // a small imgsz
    ];
    cases.forEach(([width, height, size], i) => {
      const image = noise(width, height, i + 1);
      expect(differences(new LetterboxKernel(), image, size), `${width}x${height} at ${size}, fresh kernel`).toBe(0);
      expect(differences(reused, image, size), `${width}x${height} at ${size}, reused kernel`).toBe(0);
    });
  });

  it("divides every byte value by 255 exactly as the reference does", () => {
    // Each channel holds every value 0..255, in a different order per channel.
    const data = new Uint8Array(256 * 3);
    for (let v = 0; v < 256; v++) data.set([v, 255 - v, (v * 7) & 255], v * 3);
    const row: RgbImage = { width: 256, height: 1, data };
    const kernel = new LetterboxKernel();
    expect(differences(kernel, row, 256), "unresized").toBe(0);
    expect(differences(kernel, row, 512), "resized up").toBe(0);
  });

  it("keeps the border grey when the next picture has the same layout", () => {
    const kernel = new LetterboxKernel();
    for (const seed of [1, 2, 3]) expect(differences(kernel, noise(1280, 720, seed), 640), `picture ${seed}`).toBe(0);
    for (const seed of [4, 5])
      expect(differences(kernel, noise(640, 360, seed), 640), `unresized picture ${seed}`).toBe(0);
  });

  it("greys the border a bigger picture wrote before", () => {
    const kernel = new LetterboxKernel();
    kernel.letterbox(noise(640, 640, 7), 640);
    const { tensor } = kernel.letterbox(noise(640, 100, 8), 640);
    // Row 0 of the red plane lies in the top border now.
    expect(tensor[0]).toBe(Math.fround(114 / 255));
    expect(tensor[640 * 640 - 1]).toBe(Math.fround(114 / 255));
  });
});
