/**
 * Writing user bytes into R2: whole objects and multipart parts of an exact, signed size (a short
 * or long body fails and leaves nothing), the part plan of a large file, and an object's SHA-256.
 */
import { toHex } from "../crypto";
import { ApiError } from "../errors";

/** R2 takes at most 10,000 parts per object. */
export const MAX_PARTS = 10_000;

/** Streams a body of exactly `size` bytes into R2; a short or long body fails and leaves no object. */
export async function storeObject(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream,
  size: number,
  contentType: string,
): Promise<string> {
  try {
    const object = await bucket.put(key, body.pipeThrough(new FixedLengthStream(size)), {
      httpMetadata: { contentType },
    });
    return object.etag;
  } catch {
    throw new ApiError("VALIDATION_ERROR", `Body did not carry exactly the ${size} bytes the URL was signed for`);
  }
}

/** The parts of a file of `totalBytes`: all of `partSize` but the last. */
export function planParts(totalBytes: number, partSize: number): { partNumber: number; size: number }[] {
  const count = Math.ceil(totalBytes / partSize);
  return Array.from({ length: count }, (_, index) => ({
    partNumber: index + 1,
    size: Math.min(partSize, totalBytes - index * partSize),
  }));
}

/** Streams exactly `size` bytes into one part of an R2 multipart upload; answers the part's etag. */
export async function storeObjectPart(
  bucket: R2Bucket,
  key: string,
  multipartUploadId: string,
  partNumber: number,
  body: ReadableStream,
  size: number,
): Promise<string> {
  try {
    const { etag } = await bucket
      .resumeMultipartUpload(key, multipartUploadId)
      .uploadPart(partNumber, body.pipeThrough(new FixedLengthStream(size)));
    return etag;
  } catch {
    throw new ApiError(
      "VALIDATION_ERROR",
      `Part ${partNumber} did not carry exactly the ${size} bytes it was signed for`,
    );
  }
}

/** The SHA-256 of a stored object, streamed. */
export async function sha256OfObject(bucket: R2Bucket, key: string): Promise<string> {
  const object = await bucket.get(key);
  if (!object) throw new ApiError("NOT_FOUND", "Uploaded file not found");
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  return toHex(new Uint8Array(await digest.digest));
}
