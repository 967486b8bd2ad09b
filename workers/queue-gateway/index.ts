/**
 * The local queue gateway: consumes EdgeHub's job queues and serves Cloudflare Queues' HTTP pull
 * API (POST .../queues/{queue}/messages/pull and .../messages/ack, same bodies and answers), so a
 * runner's queue client is the same code against Cloudflare and locally. Reached through the API
 * Worker's service binding at /internal/queues/* (runner token), never directly.
 */
import { PullQueue, type GatewayEnv } from "./pull-queue";

export { PullQueue };

const QUEUES = new Set(["gpu-jobs", "cli-jobs", "cpu-jobs", "predict-jobs"]);

function reply(status: number, result: unknown, errors: { code: number; message: string }[] = []): Response {
  return Response.json({ success: errors.length === 0, errors, messages: [], result }, { status });
}

async function readJson(request: Request): Promise<Record<string, unknown> | null> {
  try {
    const value = await request.json();
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export default {
  async queue(batch, env) {
    const stub = env.PULL_QUEUE.get(env.PULL_QUEUE.idFromName(batch.queue));
    for (const message of batch.messages) {
      // HTTP pull consumers get JSON message bodies as text.
      await stub.enqueue({
        id: message.id,
        body: JSON.stringify(message.body),
        timestampMs: message.timestamp.getTime(),
      });
      message.ack();
    }
  },

  async fetch(request, env) {
    const match = /\/queues\/([^/]+)\/messages\/(pull|ack|dead-letters)$/.exec(new URL(request.url).pathname);
    if (!match)
      return reply(404, null, [{ code: 7003, message: "No route: use /queues/{queue}/messages/pull or /ack" }]);
    const [, queue, action] = match as unknown as [string, string, string];
    if (!QUEUES.has(queue)) return reply(404, null, [{ code: 11000, message: `Queue ${queue} does not exist` }]);
    const stub = env.PULL_QUEUE.get(env.PULL_QUEUE.idFromName(queue));
    if (action === "dead-letters") return reply(200, { messages: await stub.deadLetters() });
    if (request.method !== "POST") return reply(405, null, [{ code: 10405, message: "POST only" }]);
    const body = await readJson(request);
    if (!body) return reply(400, null, [{ code: 10400, message: "Body must be a JSON object" }]);

    if (action === "pull") {
      const batchSize = Number(body.batch_size ?? 5);
      const visibility = Number(body.visibility_timeout_ms ?? 30_000);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100)
        return reply(400, null, [{ code: 10400, message: "batch_size must be 1 to 100" }]);
      if (!Number.isFinite(visibility) || visibility < 1)
        return reply(400, null, [{ code: 10400, message: "visibility_timeout_ms must be positive" }]);
      const { messages, backlog } = await stub.pull(batchSize, visibility);
      return reply(200, { message_backlog_count: backlog, messages });
    }
    const acks = Array.isArray(body.acks)
      ? body.acks.map((a: { lease_id?: unknown }) => String(a?.lease_id ?? ""))
      : [];
    const retries = Array.isArray(body.retries)
      ? body.retries.map((r: { lease_id?: unknown; delay_seconds?: unknown }) => ({
          leaseId: String(r?.lease_id ?? ""),
          delaySeconds: Math.max(0, Number(r?.delay_seconds ?? 0)),
        }))
      : [];
    return reply(200, await stub.ack(acks, retries));
  },
} satisfies ExportedHandler<GatewayEnv>;
