import { errors, jwtVerify, SignJWT } from "jose";
import { ApiError } from "../errors";

/**
 * Signed URLs carry a short-lived HS256 token naming exactly what they allow: the object key,
 * the operation, the byte size and content type, and (for parts) the part. The token is the
 * only authority a signed PUT or GET needs.
 */
export type TransferClaims =
  | { op: "put"; sid: string; key: string; size: number; ct: string }
  | { op: "part"; sid: string; key: string; size: number; ct: string; part: number; mpu: string }
  | { op: "get"; key: string; name: string }
  /** A job's output file, PUT by the runner holding the job's lease. */
  | { op: "output"; job: string; attempt: number; key: string; size: number; ct: string }
  /** One part of a large output file (an R2 multipart upload). */
  | { op: "output-part"; job: string; attempt: number; key: string; size: number; part: number; mpu: string }
  /** An ingest job's picture (checked against its SHA-256 as it streams in) or its thumbnail (`hash` absent). */
  | {
      op: "blob";
      job: string;
      attempt: number;
      key: string;
      size: number;
      ct: string;
      hash?: string;
      ext: string;
      w: number;
      h: number;
    }
  /** A dataset's NDJSON (a version's, or the live export): served with its image URLs signed for `set`. */
  | { op: "ndjson"; key: string; set: string; name: string }
  /** The pictures of one dataset (its images now) or one version (its copies), as an NDJSON's URLs name them. */
  | { op: "set-image"; set: string }
  /** A checkpoint the ultralytics package PUTs for a model during training (its size is known only then). */
  | { op: "checkpoint"; model: string; ws: string; name: string }
  /** The Predict tab's direct calls: predicts with one model on behalf of a signed-in user. */
  | { op: "predict"; model: string; user: string; ws: string; username: string };

const AUDIENCE = "edgehub-transfer";

/** The HMAC key, imported once per isolate: importing it for every URL cost more than signing (a page of thumbnails signs 50). */
const keys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

export async function signTransfer(secret: string, claims: TransferClaims, expiresAt: Date): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await hmacKey(secret));
}

/** Verifies a transfer token for `op`; expired and tampered tokens are 401 with a clear message. */
export async function verifyTransfer<Op extends TransferClaims["op"]>(
  secret: string,
  token: string | undefined,
  op: Op,
): Promise<Extract<TransferClaims, { op: Op }>> {
  if (!token) throw new ApiError("UNAUTHORIZED", "Missing token: use the signed URL exactly as issued");
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret), {
      audience: AUDIENCE,
      algorithms: ["HS256"],
    });
    if (payload.op !== op) throw new ApiError("FORBIDDEN", `This signed URL does not allow ${op}`);
    return payload as unknown as Extract<TransferClaims, { op: Op }>;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof errors.JWTExpired) throw new ApiError("UNAUTHORIZED", "Signed URL expired");
    throw new ApiError("UNAUTHORIZED", "Invalid signature on signed URL");
  }
}

/** A download URL for an object, valid until `expiresAt`. */
export async function signedDownloadUrl(
  secret: string,
  baseUrl: string,
  key: string,
  name: string,
  expiresAt: Date,
): Promise<string> {
  const token = await signTransfer(secret, { op: "get", key, name }, expiresAt);
  return `${baseUrl}/api/files/${encodeURIComponent(name)}?token=${token}`;
}
