import { DurableObject } from "cloudflare:workers";

export interface GatewayEnv {
  PULL_QUEUE: DurableObjectNamespace<PullQueue>;
  MAX_DELIVERIES?: string;
}

export interface PulledMessage {
  id: string;
  body: string;
  timestamp_ms: number;
  attempts: number;
  lease_id: string;
  metadata: Record<string, string>;
}

/** Longest visibility timeout Cloudflare accepts (12 h). */
const MAX_VISIBILITY_MS = 12 * 60 * 60 * 1000;

/**
 * One queue's messages in SQLite, served with Cloudflare's pull semantics: a pulled message is
 * invisible for its visibility timeout under a lease id; ack deletes it, retry makes it visible
 * again after a delay, an expired lease lets it be pulled again. Past the last delivery it moves
 * to the dead-letter table instead.
 */
export class PullQueue extends DurableObject<GatewayEnv> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`create table if not exists messages (
      id text primary key, body text not null, timestamp_ms integer not null,
      attempts integer not null default 0, visible_at integer not null, lease_id text)`);
    this.sql.exec(
      "create table if not exists dead_letters (id text primary key, body text not null, timestamp_ms integer not null, attempts integer not null, dead_at integer not null)",
    );
    this.sql.exec("create index if not exists messages_visible on messages (visible_at, timestamp_ms)");
  }

  enqueue(message: { id: string; body: string; timestampMs: number }): void {
    this.sql.exec(
      "insert or ignore into messages (id, body, timestamp_ms, visible_at) values (?, ?, ?, ?)",
      message.id,
      message.body,
      message.timestampMs,
      Date.now(),
    );
  }

  pull(batchSize: number, visibilityTimeoutMs: number): { messages: PulledMessage[]; backlog: number } {
    const now = Date.now();
    const maxDeliveries = Number(this.env.MAX_DELIVERIES ?? 5);
    const timeout = Math.min(Math.max(visibilityTimeoutMs, 1), MAX_VISIBILITY_MS);
    const messages: PulledMessage[] = [];
    const rows = this.sql
      .exec<{
        id: string;
        body: string;
        timestamp_ms: number;
        attempts: number;
      }>(
        "select id, body, timestamp_ms, attempts from messages where visible_at <= ? order by timestamp_ms limit ?",
        now,
        Math.max(1, Math.min(batchSize, 100)),
      )
      .toArray();
    for (const row of rows) {
      if (row.attempts >= maxDeliveries) {
        this.sql.exec(
          "insert or replace into dead_letters (id, body, timestamp_ms, attempts, dead_at) values (?, ?, ?, ?, ?)",
          row.id,
          row.body,
          row.timestamp_ms,
          row.attempts,
          now,
        );
        this.sql.exec("delete from messages where id = ?", row.id);
        continue;
      }
      const lease = `${row.id}.${crypto.randomUUID()}`;
      this.sql.exec(
        "update messages set attempts = attempts + 1, visible_at = ?, lease_id = ? where id = ?",
        now + timeout,
        lease,
        row.id,
      );
      messages.push({
        id: row.id,
        body: row.body,
        timestamp_ms: row.timestamp_ms,
        attempts: row.attempts + 1,
        lease_id: lease,
        metadata: { "CF-Content-Type": "json" },
      });
    }
    const [{ backlog }] = this.sql.exec<{ backlog: number }>("select count(*) as backlog from messages").toArray() as [
      { backlog: number },
    ];
    return { messages, backlog };
  }

  /** Acks delete; retries come back after their delay. A lease that expired (and was re-pulled) no longer counts. */
  ack(
    acks: string[],
    retries: { leaseId: string; delaySeconds: number }[],
  ): { ackCount: number; retryCount: number; warnings: string[] } {
    const warnings: string[] = [];
    let ackCount = 0;
    let retryCount = 0;
    for (const lease of acks) {
      const changed = this.sql.exec("delete from messages where lease_id = ?", lease).rowsWritten;
      if (changed) ackCount++;
      else warnings.push(`lease ${lease} is not held`);
    }
    for (const retry of retries) {
      const changed = this.sql.exec(
        "update messages set visible_at = ?, lease_id = null where lease_id = ?",
        Date.now() + retry.delaySeconds * 1000,
        retry.leaseId,
      ).rowsWritten;
      if (changed) retryCount++;
      else warnings.push(`lease ${retry.leaseId} is not held`);
    }
    return { ackCount, retryCount, warnings };
  }

  deadLetters(): { id: string; body: string; attempts: number }[] {
    return this.sql
      .exec<{
        id: string;
        body: string;
        attempts: number;
      }>("select id, body, attempts from dead_letters order by dead_at")
      .toArray();
  }
}
