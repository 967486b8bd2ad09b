import { createHash } from "node:crypto";
import sharp from "sharp";

/** Thumbnails are at most this many pixels a side (WebP). */
export const THUMBNAIL_SIDE = 256;
/** A picture of more pixels than this is refused before it is decoded (a decompression bomb). */
const MAX_PIXELS = 200_000_000;

sharp.cache(false);
sharp.concurrency(1);

export interface PictureFacts {
  hash: string;
  width: number;
  height: number;
  thumbnail?: Buffer;
  /** Why the picture cannot be used for training; it is still stored, with this error. */
  error?: string;
}

/**
 * A picture's SHA-256, its size as YOLO sees it (EXIF orientation applied) and a WebP thumbnail,
 * made by decoding it whole with libvips (sharp): a truncated or corrupt file is reported here.
 * BMP, which libvips does not read, is measured from its header and gets no thumbnail.
 */
export async function describePicture(bytes: Buffer, ext: string): Promise<PictureFacts> {
  const hash = createHash("sha256").update(bytes).digest("hex");
  if (ext === "bmp") return { hash, ...bmpSize(bytes) };
  try {
    const image = sharp(bytes, { failOn: "error", limitInputPixels: MAX_PIXELS });
    const meta = await image.metadata();
    if (!meta.width || !meta.height) return { hash, width: 0, height: 0, error: "corrupt image: no dimensions" };
    const turned = (meta.orientation ?? 1) >= 5;
    const thumbnail = await image
      .rotate()
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 70 })
      .toBuffer();
    return {
      hash,
      width: turned ? meta.height : meta.width,
      height: turned ? meta.width : meta.height,
      thumbnail,
    };
  } catch (error) {
    const message = (error as Error).message.split("\n")[0]!.slice(0, 200);
    return { hash, width: 0, height: 0, error: `corrupt image: ${message}` };
  }
}

function bmpSize(bytes: Buffer): { width: number; height: number; error?: string } {
  if (bytes.length < 26 || bytes.toString("latin1", 0, 2) !== "BM")
    return { width: 0, height: 0, error: "corrupt image: not a BMP file" };
  const width = bytes.readInt32LE(18);
  const height = Math.abs(bytes.readInt32LE(22));
  if (width <= 0 || height <= 0) return { width: 0, height: 0, error: "corrupt image: BMP header without a size" };
  return { width, height };
}
