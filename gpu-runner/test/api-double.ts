/**
 * A test double of what a Runner talks to: EdgeHub's runner routes and Cloudflare's queue pull
 * API, in one small HTTP server that records every call. It lets the Runner's own logic (slots,
 * claims, hand-back, cancellation) be tested alone; gpu-runner/test/e2e.test.ts runs it against
 * the real API.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Claim, ConflictReason } from "../../src/protocol/jobs";

export interface QueuedJob {
  jobId: string;
  kind: string;
}

type ClaimAnswer = { claim: true } | { refuse: ConflictReason };

export class ApiDouble {
  readonly queued: QueuedJob[] = [];
  readonly acks: string[] = [];
  readonly retries: { jobId: string; delaySeconds: number }[] = [];
  readonly events: { jobId: string; type: string }[] = [];
  /** Per job: how its claim is answered (default: claimed). */
  readonly claims = new Map<string, ClaimAnswer>();
  /** Jobs whose callbacks are refused with 409 `cancelled`, as the API does once a user cancels. */
  readonly cancelled = new Set<string>();
  private readonly leased = new Map<string, string>();
  private nextLease = 0;
  private server?: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.route(request).then(
        ({ status, body }) => {
          response.writeHead(status, { "Content-Type": "application/json" });
          response.end(JSON.stringify(body));
        },
        (error: Error) => {
          response.writeHead(500);
          response.end(error.message);
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async route(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const payload = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
    const url = request.url ?? "";
    if (url === "/internal/runners/heartbeat") return ok({ runnerId: `rnr_${"0".repeat(20)}`, leaseMs: 3000 });
    if (url === "/internal/runners/wait") {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return ok({ generations: {}, woke: false });
    }
    let match = url.match(/^\/internal\/queues\/[\w-]+\/messages\/(pull|ack)$/);
    if (match) return match[1] === "pull" ? this.pull(payload.batch_size) : this.ack(payload);
    match = url.match(/^\/internal\/jobs\/(\w+)\/claim$/);
    if (match) return this.claim(match[1]!);
    match = url.match(/^\/webhooks\/(\w+)$/);
    if (match) return this.callback(match[1]!, payload.type);
    return { status: 404, body: { error: `no route ${url}` } };
  }

  private pull(batchSize: number) {
    const messages = this.queued.splice(0, batchSize).map((job) => {
      const leaseId = `lease-${this.nextLease++}`;
      this.leased.set(leaseId, job.jobId);
      return { id: job.jobId, lease_id: leaseId, attempts: 1, body: JSON.stringify(job) };
    });
    return ok({ messages }, true);
  }

  private ack(payload: { acks?: { lease_id: string }[]; retries?: { lease_id: string; delay_seconds: number }[] }) {
    for (const { lease_id } of payload.acks ?? []) this.acks.push(this.leased.get(lease_id)!);
    for (const { lease_id, delay_seconds } of payload.retries ?? [])
      this.retries.push({ jobId: this.leased.get(lease_id)!, delaySeconds: delay_seconds });
    return ok({}, true);
  }

  private claim(jobId: string) {
    const answer = this.claims.get(jobId) ?? { claim: true };
    if ("refuse" in answer)
      return { status: 409, body: { error: `refused: ${answer.refuse}`, details: { reason: answer.refuse } } };
    const claim: Claim = {
      job: { id: jobId, kind: "test", attempt: 1, maxAttempts: 3, modelId: null, gpuType: null, spec: {} },
      leaseId: `job-lease-${jobId}`,
      leaseExpiresAt: new Date(Date.now() + 3000).toISOString(),
      webhookUrl: `${this.url}/webhooks/${jobId}`,
      webhookSecret: "secret",
      outputsUrl: `${this.url}/outputs/${jobId}`,
      inputs: {},
    };
    return ok(claim);
  }

  private callback(jobId: string, type: string) {
    this.events.push({ jobId, type });
    if (this.cancelled.has(jobId))
      return { status: 409, body: { error: "The job was cancelled", details: { reason: "cancelled" } } };
    return ok({ ok: true, status: "running" });
  }
}

/** The queue API wraps answers in Cloudflare's envelope; the runner routes answer plain JSON. */
function ok(result: unknown, envelope = false): { status: number; body: unknown } {
  return { status: 200, body: envelope ? { success: true, errors: [], messages: [], result } : result };
}
