import type { createUploadSession, describeUpload } from "../../services/uploads";

type SignedUpload = Awaited<ReturnType<typeof createUploadSession>>;
type UploadDescription = Awaited<ReturnType<typeof describeUpload>>;

/** A new session's signed URL (or one URL per part), as POST /api/upload/signed-url answers it. */
export function toSignedUpload(session: SignedUpload) {
  return { ...session, expiresAt: session.expiresAt.toISOString() };
}

/** The one presenter of an upload session, as GET /api/upload/{sessionId} answers it. */
export function toUploadSession({ upload, receivedParts, downloadUrl }: UploadDescription) {
  return {
    sessionId: upload.id,
    status: upload.status,
    assetType: upload.assetType,
    assetId: upload.assetId,
    filename: upload.filename,
    contentType: upload.contentType,
    totalBytes: upload.totalBytes,
    expiresAt: upload.expiresAt.toISOString(),
    ...(upload.partCount ? { partCount: upload.partCount, receivedParts } : {}),
    ...(downloadUrl ? { downloadUrl } : {}),
  };
}
