import type { Deps } from "../../context";
import { forgetJobOutputs, recordJobOutput, settledJobOutputs } from "../../db/job-outputs";
import { findJob, type JobRow } from "../../db/jobs";
import { newId } from "../../ids";
import { ApiError } from "../../errors";
import { jobConflict } from "./state-machine";
import { jobOutputKey } from "../../storage/keys";
import { signTransfer, type TransferClaims } from "../../storage/signed-url";
import { MAX_PARTS, planParts, storeObject, storeObjectPart } from "../../storage/multipart";
import { partSizeOf } from "../uploads";

/**
 * A job's output files: the lease holder asks for a signed URL per file and PUTs the bytes
 * through the Worker into R2. A file larger than one part (UPLOAD_PART_SIZE, 64 MiB) goes up as
 * an R2 multipart upload, one signed URL per part, so no output is capped by the Worker's request
 * size and a failed part is retried alone. Every URL is bound to the job's attempt, and every
 * signed file is recorded, so the cron can delete what a dead attempt left behind.
 */
const OUTPUT_URL_TTL_MS = 60 * 60 * 1000;

export type SignedOutput =
  | { key: string; uploadUrl: string }
  | {
      key: string;
      uploadId: string;
      partSize: number;
      parts: { partNumber: number; size: number; uploadUrl: string }[];
    };

/** A live job held under `leaseId`; a superseded or finished holder gets 409 and should stop. */
export async function heldJob(deps: Deps, jobId: string, leaseId: string): Promise<JobRow> {
  const job = await findJob(deps.db, jobId);
  if (!job) throw new ApiError("NOT_FOUND", "Job not found");
  if (job.leaseId !== leaseId)
    throw jobConflict("superseded", "This lease no longer holds the job: another attempt took it over");
  if (job.status !== "starting" && job.status !== "running")
    throw jobConflict(job.status === "cancelled" ? "cancelled" : "finished", `The job is ${job.status}`);
  return job;
}

/** The current lease holder gets a signed PUT URL for one output file of its attempt (one per part when large). */
export async function outputUrl(
  deps: Deps,
  jobId: string,
  request: { leaseId: string; name: string; size: number; contentType: string },
): Promise<SignedOutput> {
  const job = await heldJob(deps, jobId, request.leaseId);
  const key = jobOutputKey(job, request.name);
  const expiresAt = new Date(deps.now().getTime() + OUTPUT_URL_TTL_MS);
  const partSize = partSizeOf(deps);
  const base = `${deps.baseUrl}/internal/jobs/${job.id}/outputs`;
  if (request.size <= partSize) {
    await recordJobOutput(deps.db, { id: newId("jobOutput"), jobId: job.id, attempt: job.attempt, objectKey: key });
    const token = await signTransfer(
      deps.env.SIGNING_SECRET,
      { op: "output", job: job.id, attempt: job.attempt, key, size: request.size, ct: request.contentType },
      expiresAt,
    );
    return { key, uploadUrl: `${base}/object?token=${token}` };
  }
  const planned = planParts(request.size, partSize);
  if (planned.length > MAX_PARTS)
    throw new ApiError("VALIDATION_ERROR", `size: at most ${MAX_PARTS} parts of ${partSize} bytes`);
  const upload = await deps.bucket.createMultipartUpload(key, { httpMetadata: { contentType: request.contentType } });
  await recordJobOutput(deps.db, {
    id: newId("jobOutput"),
    jobId: job.id,
    attempt: job.attempt,
    objectKey: key,
    multipartUploadId: upload.uploadId,
  });
  const parts = await Promise.all(
    planned.map(async ({ partNumber, size }) => {
      const claims: TransferClaims = {
        op: "output-part",
        job: job.id,
        attempt: job.attempt,
        key,
        size,
        part: partNumber,
        mpu: upload.uploadId,
      };
      return {
        partNumber,
        size,
        uploadUrl: `${base}/part?token=${await signTransfer(deps.env.SIGNING_SECRET, claims, expiresAt)}`,
      };
    }),
  );
  return { key, uploadId: upload.uploadId, partSize, parts };
}

/** An output URL works only while the attempt it was signed for still runs the job. */
async function jobForOutput(deps: Deps, claims: { job: string; attempt: number }, jobId: string): Promise<JobRow> {
  if (claims.job !== jobId) throw new ApiError("FORBIDDEN", "This signed URL belongs to another job");
  const job = await findJob(deps.db, jobId);
  if (!job) throw new ApiError("NOT_FOUND", "Job not found");
  if (job.attempt !== claims.attempt || (job.status !== "starting" && job.status !== "running")) {
    throw jobConflict("superseded", "This output URL belongs to an attempt that no longer holds the job");
  }
  return job;
}

/** PUT of a whole output file: exactly the signed bytes, or no object. */
export async function storeJobOutput(
  deps: Deps,
  jobId: string,
  claims: Extract<TransferClaims, { op: "output" }>,
  body: ReadableStream,
): Promise<void> {
  await jobForOutput(deps, claims, jobId);
  await storeObject(deps.bucket, claims.key, body, claims.size, claims.ct);
}

/** PUT of one part of a large output; answers the part's etag, which the runner sends to complete. */
export async function storeJobOutputPart(
  deps: Deps,
  jobId: string,
  claims: Extract<TransferClaims, { op: "output-part" }>,
  body: ReadableStream,
) {
  await jobForOutput(deps, claims, jobId);
  return {
    partNumber: claims.part,
    etag: await storeObjectPart(deps.bucket, claims.key, claims.mpu, claims.part, body, claims.size),
  };
}

/**
 * Assembles a large output from its parts. The whole file must come out at the size it was
 * signed for; otherwise it is deleted and the runner can sign and upload it again.
 */
export async function completeJobOutput(
  deps: Deps,
  jobId: string,
  request: {
    leaseId: string;
    name: string;
    uploadId: string;
    size: number;
    parts: { partNumber: number; etag: string }[];
  },
): Promise<{ key: string; size: number }> {
  const job = await heldJob(deps, jobId, request.leaseId);
  const key = jobOutputKey(job, request.name);
  const numbers = request.parts.map((part) => part.partNumber);
  if (new Set(numbers).size !== numbers.length) throw new ApiError("VALIDATION_ERROR", "parts: each part number once");
  let size: number;
  try {
    const object = await deps.bucket
      .resumeMultipartUpload(key, request.uploadId)
      .complete([...request.parts].sort((a, b) => a.partNumber - b.partNumber));
    size = object.size;
  } catch {
    throw new ApiError(
      "VALIDATION_ERROR",
      "Could not assemble the output: a part is missing, its etag is wrong, or the upload is unknown",
    );
  }
  if (size !== request.size) {
    await deps.bucket.delete(key);
    throw new ApiError(
      "VALIDATION_ERROR",
      `The assembled output holds ${size} bytes, not the ${request.size} signed for; upload it again`,
    );
  }
  return { key, size };
}

/**
 * Cron: settles the outputs of attempts that are over, once every URL signed for them has
 * expired. A file the completing attempt reported stays (an export or a model holds it); any
 * other file is deleted and an unfinished multipart upload aborted.
 */
export async function collectStrayJobOutputs(deps: Pick<Deps, "db" | "bucket">, now: Date): Promise<number> {
  const rows = await settledJobOutputs(deps.db, new Date(now.getTime() - OUTPUT_URL_TTL_MS), 500);
  const stray = rows.filter((row) => !row.kept);
  for (const row of stray) {
    if (row.multipartUploadId)
      await deps.bucket
        .resumeMultipartUpload(row.objectKey, row.multipartUploadId)
        .abort()
        .catch(() => {});
  }
  const keys = [...new Set(stray.map((row) => row.objectKey))];
  for (let i = 0; i < keys.length; i += 1000) await deps.bucket.delete(keys.slice(i, i + 1000));
  await forgetJobOutputs(
    deps.db,
    rows.map((row) => row.id),
  );
  return stray.length;
}
