import sharp from "sharp";
import type { RgbImage } from "./letterbox";

/** Pictures larger than this many pixels are refused rather than decoded (a decompression bomb guard). */
const MAX_PIXELS = 100_000_000;

/**
 * Decodes a picture as OpenCV's imdecode does for ultralytics: EXIF orientation applied, 8-bit,
 * three channels, alpha dropped (not composited), greyscale expanded. Returns RGB, row-major.
 */
export async function decodeImage(bytes: Uint8Array): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: "error" })
      .rotate()
      .toColourspace("srgb")
      .removeAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (error) {
    throw new ImageDecodeError(error instanceof Error ? error.message : String(error));
  }
}

export class ImageDecodeError extends Error {
  constructor(reason: string) {
    super(`Could not decode the picture: ${reason}`);
  }
}
