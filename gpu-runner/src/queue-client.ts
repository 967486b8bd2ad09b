import type { QueueMessageBody } from "../../src/protocol/jobs";
import type { QueueName } from "./config";

export interface QueueMessage {
  id: string;
  leaseId: string;
  attempts: number;
  /** The protocol's QueueMessageBody, as far as the message holds one (a stray message may not). */
  body: Partial<QueueMessageBody>;
}

/**
 * Cloudflare Queues' HTTP pull consumer API: pull under a visibility timeout, then ack or retry by
 * lease id. The same class talks to Cloudflare and to the local gateway; only the base URL, token
 * and queue ids differ.
 */
export class QueueClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly queueIds: Record<QueueName, string>,
  ) {}

  async pull(queue: QueueName, batchSize: number, visibilityTimeoutMs: number): Promise<QueueMessage[]> {
    const result = await this.post<{ messages?: { id: string; lease_id: string; attempts: number; body: unknown }[] }>(
      queue,
      "pull",
      { batch_size: batchSize, visibility_timeout_ms: visibilityTimeoutMs },
    );
    return (result.messages ?? []).map((message) => ({
      id: message.id,
      leaseId: message.lease_id,
      attempts: message.attempts,
      body: parseBody(message.body),
    }));
  }

  async ack(
    queue: QueueName,
    leaseIds: string[],
    retries: { leaseId: string; delaySeconds: number }[] = [],
  ): Promise<void> {
    if (!leaseIds.length && !retries.length) return;
    await this.post(queue, "ack", {
      acks: leaseIds.map((lease_id) => ({ lease_id })),
      retries: retries.map((r) => ({ lease_id: r.leaseId, delay_seconds: r.delaySeconds })),
    });
  }

  private async post<T>(queue: QueueName, action: "pull" | "ack", payload: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/${this.queueIds[queue]}/messages/${action}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
    const envelope = (await response.json().catch(() => ({}))) as {
      success?: boolean;
      result?: T;
      errors?: { message: string }[];
    };
    if (!response.ok || !envelope.success)
      throw new Error(
        `queue ${action} on ${queue}: ${response.status} ${envelope.errors?.map((e) => e.message).join("; ") ?? ""}`,
      );
    return envelope.result as T;
  }
}

/** JSON messages arrive as text (or, from other producers, already parsed). */
function parseBody(body: unknown): QueueMessage["body"] {
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as QueueMessage["body"];
    } catch {
      return {};
    }
  }
  return (body ?? {}) as QueueMessage["body"];
}
