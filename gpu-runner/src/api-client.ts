import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  Claim,
  CONFLICT_REASONS,
  SignedOutput,
  signCallback,
  type ConflictReason,
  type JobOutput,
} from "../../src/protocol/jobs";
import { BlobsResponse, CommitResponse, type IngestBlob, type IngestImage } from "../../src/protocol/ingest";
import { NdjsonPageResponse } from "../../src/protocol/ndjson";
import type { QueueName } from "./config";

export type { Claim };
/** A file an attempt uploaded, as its `completed` event reports it. */
export type UploadedOutput = JobOutput;

/** Tries per part of a large output before the upload fails. */
const PART_ATTEMPTS = 3;

/** The API answered 409: the job is finished, cancelled, or another attempt holds it. Stop and ack. */
export class JobGoneError extends Error {
  constructor(
    message: string,
    readonly reason?: ConflictReason,
  ) {
    super(message);
  }
}

/** A 409's message and its machine-readable reason (`details.reason`). */
async function conflictOf(response: Response): Promise<{ message: string; reason?: ConflictReason }> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; details?: { reason?: string } };
  const reason = CONFLICT_REASONS.find((known) => known === body.details?.reason);
  return { message: body.error ?? "conflict", reason };
}

/** The runner's side of the job protocol: heartbeats, claims, signed callbacks, output uploads. */
export class ApiClient {
  constructor(
    private readonly apiUrl: string,
    private readonly runnerToken: string,
  ) {}

  async heartbeat(hello: {
    runnerId?: string;
    name: string;
    queues: QueueName[];
    gpuType?: string;
    formats: string[];
    concurrency: number;
  }) {
    return this.runnerPost<{ runnerId: string; leaseMs: number }>("/internal/runners/heartbeat", hello);
  }

  /**
   * Long-polls until a job is queued on one of `queues` since the generations `seen` (or the
   * timeout passes); the first call, without `seen`, answers at once.
   */
  async waitForJobs(
    queues: QueueName[],
    seen: Record<string, number> | undefined,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ generations: Record<string, number>; woke: boolean }> {
    const response = await fetch(`${this.apiUrl}/internal/runners/wait`, {
      ...this.runnerInit({ queues, ...(seen ? { seen } : {}), timeoutMs }),
      signal,
    });
    if (!response.ok) throw new Error(`wait: ${response.status} ${await response.text()}`);
    return (await response.json()) as { generations: Record<string, number>; woke: boolean };
  }

  /** No claim when the job cannot be taken: `reason` says why (a 404 is a job that is gone). */
  async claim(jobId: string, runnerId: string): Promise<{ claim?: Claim; reason?: ConflictReason; message?: string }> {
    const response = await fetch(`${this.apiUrl}/internal/jobs/${jobId}/claim`, this.runnerInit({ runnerId }));
    if (response.status === 404) return { reason: "finished", message: "the job is gone" };
    if (response.status === 409) return conflictOf(response);
    if (!response.ok) throw new Error(`claim ${jobId}: ${response.status} ${await response.text()}`);
    return { claim: Claim.parse(await response.json()) };
  }

  /** One signed callback. 409 means: stop working on this job. */
  async report(claim: Claim, event: Record<string, unknown>): Promise<{ status: string; leaseExpiresAt?: string }> {
    const body = JSON.stringify({
      eventId: randomUUID(),
      attempt: claim.job.attempt,
      leaseId: claim.leaseId,
      ...event,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await signCallback(claim.webhookSecret, timestamp, body);
    const response = await fetch(claim.webhookUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-EdgeHub-Timestamp": String(timestamp),
        "X-EdgeHub-Signature": signature,
      },
      body,
    });
    if (response.status === 409) {
      const { message, reason } = await conflictOf(response);
      throw new JobGoneError(message, reason);
    }
    if (!response.ok) throw new Error(`callback ${event.type}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { status: string; leaseExpiresAt?: string };
  }

  /** Signs and uploads one output file (bytes or a file on disk) for the claim's attempt. */
  async uploadOutput(
    claim: Claim,
    name: string,
    source: Uint8Array | string,
    contentType = "application/octet-stream",
  ): Promise<UploadedOutput> {
    const size = typeof source === "string" ? statSync(source).size : source.byteLength;
    const outputs = claim.outputsUrl.replace(this.apiUrl, "");
    const signed = SignedOutput.parse(
      await this.runnerPost(outputs, { leaseId: claim.leaseId, name, size, contentType }),
    );
    if ("uploadUrl" in signed) {
      await this.put(signed.uploadUrl, source, 0, size, contentType, name);
      return { name, key: signed.key, size, contentType };
    }
    // A large file: part by part, each retried alone, then assembled by the API.
    const parts: { partNumber: number; etag: string }[] = [];
    for (const part of signed.parts) {
      const start = (part.partNumber - 1) * signed.partSize;
      for (let attempt = 1; ; attempt++) {
        try {
          parts.push(
            (await this.put(
              part.uploadUrl,
              source,
              start,
              part.size,
              "application/octet-stream",
              `${name} part ${part.partNumber}`,
            )) as { partNumber: number; etag: string },
          );
          break;
        } catch (error) {
          if (error instanceof JobGoneError || attempt >= PART_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
        }
      }
    }
    await this.runnerPost(`${outputs}/complete`, {
      leaseId: claim.leaseId,
      name,
      uploadId: signed.uploadId,
      size,
      parts,
    });
    return { name, key: signed.key, size, contentType };
  }

  /** PUTs `size` bytes of the source from `start` to a signed URL; answers its JSON. */
  private async put(
    url: string,
    source: Uint8Array | string,
    start: number,
    size: number,
    contentType: string,
    what: string,
  ): Promise<unknown> {
    const body =
      typeof source === "string"
        ? (Readable.toWeb(createReadStream(source, { start, end: start + size - 1 })) as ReadableStream)
        : source.subarray(start, start + size);
    const response = await fetch(url, {
      method: "PUT",
      headers: { "Content-Type": contentType, "Content-Length": String(size) },
      body,
      duplex: "half",
    } as RequestInit);
    if (response.status === 409) {
      const { message, reason } = await conflictOf(response);
      throw new JobGoneError(message, reason);
    }
    if (!response.ok) throw new Error(`upload ${what}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  /** Ingest: which of these pictures EdgeHub lacks, with signed PUT URLs for them (src/protocol/ingest.ts). */
  async ingestBlobs(claim: Claim, blobs: IngestBlob[]): Promise<BlobsResponse> {
    const answer = await this.runnerPost(`/internal/jobs/${claim.job.id}/images/blobs`, {
      leaseId: claim.leaseId,
      blobs,
    });
    return BlobsResponse.parse(answer);
  }

  /** Ingest: one picture or thumbnail file to its signed URL. */
  async putBlob(url: string, file: string, size: number, contentType: string): Promise<void> {
    await this.put(url, file, 0, size, contentType, "picture");
  }

  /** Ingest: adds a batch of sent pictures to the dataset. */
  async commitImages(
    claim: Claim,
    batch: { images: IngestImage[]; classNames?: string[]; kptShape?: [number, number] },
  ): Promise<CommitResponse> {
    const answer = await this.runnerPost(`/internal/jobs/${claim.job.id}/images/commit`, {
      leaseId: claim.leaseId,
      ...batch,
    });
    return CommitResponse.parse(answer);
  }

  /** NDJSON builds: the page of the dataset's file after image id `after` (src/protocol/ndjson.ts). */
  async ndjsonPage(claim: Claim, after: string): Promise<NdjsonPageResponse> {
    const answer = await this.runnerPost(`/internal/jobs/${claim.job.id}/ndjson`, { leaseId: claim.leaseId, after });
    return NdjsonPageResponse.parse(answer);
  }

  async download(url: string): Promise<Uint8Array> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`download: ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Streams a signed input to a file, refusing more than `maxBytes` (its signed size). */
  async downloadToFile(url: string, destination: string, maxBytes: number): Promise<number> {
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`download: ${response.status}`);
    let received = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > maxBytes ? new Error(`download: more than the ${maxBytes} bytes expected`) : null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as never), cap, createWriteStream(destination));
    return received;
  }

  private runnerInit(payload: unknown): RequestInit {
    return {
      method: "POST",
      headers: { Authorization: `Bearer ${this.runnerToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    };
  }

  private async runnerPost<T>(pathname: string, payload: unknown): Promise<T> {
    const response = await fetch(`${this.apiUrl}${pathname}`, this.runnerInit(payload));
    if (response.status === 409) {
      const { message, reason } = await conflictOf(response);
      throw new JobGoneError(message, reason);
    }
    if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}
