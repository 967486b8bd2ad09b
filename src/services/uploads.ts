import type { SignedInActor } from "../auth/actor";
import type { Deps } from "../context";
import { findWorkspace } from "../db/identity";
import type { Database } from "../db/client";
import type { AssetType, StorageCategory } from "../db/schema";
import { addObject, pendingUploadBytes, usageOf } from "../db/storage";
import {
  deleteFailedUploadsBefore,
  expiredPendingUploads,
  findUpload,
  finishUpload,
  insertUpload,
  partsOf,
  recordPart,
  type UploadRow,
} from "../db/uploads";
import { ApiError } from "../errors";
import { MAX_PARTS, planParts, sha256OfObject, storeObjectPart } from "../storage/multipart";
import { settingsOf } from "../settings";
import { newId } from "../ids";
import { afterModelUpload, attachModelUpload, checkModelUploadTarget } from "./model-files";
import { PLANS } from "../plans";
import { uploadKey } from "../storage/keys";
import { signTransfer, signedDownloadUrl } from "../storage/signed-url";

const SINGLE_TTL_MS = 60 * 60 * 1000;
const MULTIPART_TTL_MS = 24 * 60 * 60 * 1000;

export interface SignedUploadRequest {
  assetType: AssetType;
  assetId: string;
  filename: string;
  contentType: string;
  totalBytes: number;
}

export function partSizeOf(deps: Deps): number {
  return settingsOf(deps.env).UPLOAD_PART_SIZE;
}

/** Uploaded files count under these storage categories. */
export function categoryOf(assetType: AssetType): StorageCategory {
  return assetType === "models" ? "models" : "datasets";
}

/**
 * Opens an upload session: checks the plan's storage quota (stored + promised bytes), then
 * signs one PUT URL, or one URL per part when the file is larger than one request may carry.
 */
export async function createUploadSession(deps: Deps, actor: SignedInActor, input: SignedUploadRequest) {
  // A model file belongs to (and counts against) its model's workspace, a team's included.
  const workspaceId =
    input.assetType === "models" ? await checkModelUploadTarget(deps, actor, input.assetId) : actor.workspaceId;
  const partSize = partSizeOf(deps);
  const partCount = Math.ceil(input.totalBytes / partSize);
  if (partCount > MAX_PARTS)
    throw new ApiError("VALIDATION_ERROR", `Invalid body: totalBytes: at most ${MAX_PARTS * partSize} bytes per file`);

  const [workspace, usage, pending] = await Promise.all([
    findWorkspace(deps.db, workspaceId),
    usageOf(deps.db, workspaceId),
    pendingUploadBytes(deps.db, workspaceId, deps.now()),
  ]);
  if (!workspace) throw new ApiError("UNAUTHORIZED");
  const stored = usage.reduce((sum, row) => sum + row.bytes, 0);
  const limit = PLANS[workspace.plan].storageBytes;
  if (stored + pending + input.totalBytes > limit) {
    throw new ApiError(
      "FORBIDDEN",
      `Storage quota exceeded: ${stored + pending} of ${limit} bytes used or reserved; this file needs ${input.totalBytes}`,
    );
  }

  const id = newId("upload");
  const key = uploadKey(workspaceId, input.assetType, input.assetId, id, input.filename);
  const multipart = partCount > 1;
  const expiresAt = new Date(deps.now().getTime() + (multipart ? MULTIPART_TTL_MS : SINGLE_TTL_MS));
  const mpu = multipart
    ? await deps.bucket.createMultipartUpload(key, { httpMetadata: { contentType: input.contentType } })
    : null;

  await insertUpload(deps.db, {
    id,
    workspaceId,
    userId: actor.userId,
    ...input,
    objectKey: key,
    multipartUploadId: mpu?.uploadId ?? null,
    partSize: multipart ? partSize : null,
    partCount: multipart ? partCount : null,
    expiresAt,
  });

  const secret = deps.env.SIGNING_SECRET;
  const base = `${deps.baseUrl}/api/upload/${id}`;
  if (!mpu) {
    const token = await signTransfer(
      secret,
      { op: "put", sid: id, key, size: input.totalBytes, ct: input.contentType },
      expiresAt,
    );
    return { sessionId: id, uploadUrl: `${base}/object?token=${token}`, expiresAt };
  }
  const parts = await Promise.all(
    planParts(input.totalBytes, partSize).map(async ({ partNumber, size }) => {
      const token = await signTransfer(
        secret,
        { op: "part", sid: id, key, size, ct: input.contentType, part: partNumber, mpu: mpu.uploadId },
        expiresAt,
      );
      return { partNumber, size, uploadUrl: `${base}/parts/${partNumber}?token=${token}` };
    }),
  );
  return { sessionId: id, uploadUrl: parts[0]!.uploadUrl, expiresAt, partSize, parts };
}

/** Refuses PUTs to a session that is finished or gone: a signed URL is not replayable after complete. */
export async function openSessionFor(deps: Deps, sessionId: string): Promise<UploadRow> {
  const upload = await findUpload(deps.db, sessionId);
  if (!upload) throw new ApiError("NOT_FOUND", "Upload session not found");
  if (upload.status !== "pending") throw new ApiError("CONFLICT", `Upload session is already ${upload.status}`);
  return upload;
}

export async function storePart(
  deps: Deps,
  upload: UploadRow,
  partNumber: number,
  body: ReadableStream,
  size: number,
): Promise<string> {
  const etag = await storeObjectPart(deps.bucket, upload.objectKey, upload.multipartUploadId!, partNumber, body, size);
  await recordPart(deps.db, { uploadId: upload.id, partNumber, etag, sizeBytes: size });
  return etag;
}

/**
 * Verifies the bytes arrived (size, and the SHA-256 when given), then books the object for
 * the workspace. A mismatch deletes the object and fails the session.
 */
export async function completeUpload(deps: Deps, actor: SignedInActor, sessionId: string, checksum?: string) {
  const upload = await ownUpload(deps, actor, sessionId);
  if (upload.status === "completed") return { size: upload.totalBytes, contentType: upload.contentType };
  // The caller must still be allowed to write the target: a signed URL outlives a membership.
  if (
    upload.assetType === "models" &&
    (await checkModelUploadTarget(deps, actor, upload.assetId)) !== upload.workspaceId
  ) {
    throw new ApiError("CONFLICT", "The upload's target moved to another workspace; request a new signed URL");
  }
  if (upload.status === "failed") throw new ApiError("CONFLICT", "Upload session failed; request a new signed URL");
  if (upload.expiresAt < deps.now()) throw new ApiError("GONE", "Upload session expired; request a new signed URL");

  if (upload.multipartUploadId) await assembleParts(deps, upload);
  const head = await deps.bucket.head(upload.objectKey);
  if (!head) throw new ApiError("NOT_FOUND", "No file was uploaded to this session yet");
  if (head.size !== upload.totalBytes)
    await refuse(deps, upload, `Uploaded ${head.size} bytes, expected ${upload.totalBytes}`);
  if (checksum) {
    const actual = await sha256OfObject(deps.bucket, upload.objectKey);
    if (actual !== checksum.toLowerCase())
      await refuse(deps, upload, `Checksum mismatch: expected ${checksum.toLowerCase()}, got ${actual}`);
  }

  const modelFile = await deps.db.transaction(async (tx) => {
    if (
      !(await finishUpload(tx, upload.id, "completed", {
        checksum: checksum?.toLowerCase() ?? null,
        completedAt: deps.now(),
      }))
    ) {
      throw new ApiError("CONFLICT", "Upload session is no longer pending");
    }
    await addObject(tx, {
      key: upload.objectKey,
      workspaceId: upload.workspaceId,
      category: categoryOf(upload.assetType),
      resourceId: upload.assetId,
      name: upload.filename,
      sizeBytes: upload.totalBytes,
      contentType: upload.contentType,
    });
    return upload.assetType === "models"
      ? attachModelUpload(tx, deps, { ...upload, checksum: checksum?.toLowerCase() ?? null })
      : null;
  });
  if (modelFile) await afterModelUpload(deps, modelFile, upload.workspaceId);
  return { size: upload.totalBytes, contentType: upload.contentType };
}

/** An upload session is its uploader's alone, whichever workspace its file goes to. */
async function ownUpload(deps: Deps, actor: SignedInActor, sessionId: string): Promise<UploadRow> {
  const upload = await findUpload(deps.db, sessionId);
  if (!upload || upload.userId !== actor.userId) throw new ApiError("NOT_FOUND", "Upload session not found");
  return upload;
}

async function assembleParts(deps: Deps, upload: UploadRow): Promise<void> {
  const parts = await partsOf(deps.db, upload.id);
  const missing: number[] = [];
  for (let n = 1; n <= (upload.partCount ?? 0); n++) if (!parts.some((part) => part.partNumber === n)) missing.push(n);
  if (missing.length)
    throw new ApiError("VALIDATION_ERROR", `Parts not uploaded yet: ${missing.slice(0, 20).join(", ")}`);
  const mpu = deps.bucket.resumeMultipartUpload(upload.objectKey, upload.multipartUploadId!);
  await mpu.complete(parts.map((part) => ({ partNumber: part.partNumber, etag: part.etag })));
}

async function refuse(deps: Deps, upload: UploadRow, message: string): Promise<never> {
  await deps.bucket.delete(upload.objectKey);
  await finishUpload(deps.db, upload.id, "failed");
  throw new ApiError("VALIDATION_ERROR", message);
}

/** The session as its owner sees it, with a download URL once complete. */
export async function describeUpload(deps: Deps, actor: SignedInActor, sessionId: string) {
  const upload = await ownUpload(deps, actor, sessionId);
  const parts = upload.multipartUploadId ? await partsOf(deps.db, upload.id) : [];
  const downloadUrl =
    upload.status === "completed"
      ? await signedDownloadUrl(
          deps.env.SIGNING_SECRET,
          deps.baseUrl,
          upload.objectKey,
          upload.filename,
          new Date(deps.now().getTime() + SINGLE_TTL_MS),
        )
      : undefined;
  return { upload, receivedParts: parts.map((part) => part.partNumber), downloadUrl };
}

/** Cron: sessions that expired without completing lose their bytes (and multipart state). */
export async function collectAbandonedUploads(db: Database, bucket: R2Bucket, now: Date): Promise<number> {
  const expired = await expiredPendingUploads(db, now, 500);
  for (const upload of expired) {
    if (upload.multipartUploadId)
      await bucket
        .resumeMultipartUpload(upload.objectKey, upload.multipartUploadId)
        .abort()
        .catch(() => {});
    await bucket.delete(upload.objectKey);
    await finishUpload(db, upload.id, "failed");
  }
  await deleteFailedUploadsBefore(db, new Date(now.getTime() - 7 * 24 * 60 * 60 * 1000));
  return expired.length;
}
