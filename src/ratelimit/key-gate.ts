import { DurableObject } from "cloudflare:workers";
import { openDb } from "../db/client";
import { keyPrincipal, sessionPrincipal } from "../db/identity";
import type { Env } from "../env";
import type { KeyScope } from "../auth/scopes";
import { RATE_LIMITS, type RateCategory, type RateDecision } from "./limits";

/** Who a credential belongs to, as cached by its gate. */
export interface Principal {
  userId: string;
  workspaceId: string;
  username: string;
  /** Set for API keys. */
  keyId?: string;
  /** API keys only; absent in identities cached before scopes existed (admin). */
  scopes?: KeyScope[];
  /** A training job's own key: the model it may act on, and the job. */
  modelId?: string | null;
  jobId?: string | null;
}

/** The credential a gate is named after: an API key hash, a session subject, or a client IP. */
export type Credential = { kind: "key"; keyHash: string } | { kind: "session"; subject: string } | { kind: "ip" };

export interface Admission {
  /** Null when the credential is unknown or revoked. */
  principal: Principal | null;
  /** Null for categories without a limit. */
  decision: RateDecision | null;
}

/** A cached identity is re-read from Postgres after this long; revocation through the gate is immediate. */
export const IDENTITY_TTL_MS = 60_000;

const FLUSH_INTERVAL_MS = 1_000;
const WINDOW_KEYS = Object.keys(RATE_LIMITS).map((category) => `hits:${category}`);

/**
 * One SQLite-backed Durable Object per API key (and per session user, per anonymous IP).
 * It answers authentication from its cache and counts requests in one sliding window (a log of
 * request times) per category. `take` is synchronous, so calls cannot interleave inside it:
 * that makes the limit exact under concurrency.
 */
export class KeyGate extends DurableObject<Env> {
  private cached: { principal: Principal | null; fetchedAt: number; revoked: boolean } | undefined;
  private loading: Promise<Principal | null> | undefined;
  private readonly sql: SqlStorage;
  /** Request times per category inside the window; decided from memory, persisted in the background. */
  private readonly windows = new Map<string, number[]>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get<number[]>(WINDOW_KEYS);
      for (const [key, hits] of stored) this.windows.set(key.slice("hits:".length), hits);
    });
    // The table exists only once a valid credential was stored: an unknown key leaves nothing behind.
    const hasTable = this.sql.exec("select 1 from sqlite_master where name = 'principal'").toArray().length > 0;
    const row = hasTable
      ? this.sql
          .exec<{
            json: string | null;
            fetched_at: number;
            revoked: number;
          }>("select json, fetched_at, revoked from principal")
          .toArray()[0]
      : undefined;
    if (row)
      this.cached = {
        principal: row.json ? (JSON.parse(row.json) as Principal) : null,
        fetchedAt: row.fetched_at,
        revoked: row.revoked === 1,
      };
  }

  /** Authenticates the credential and, when it is valid, counts one request of `category`. */
  async admit(credential: Credential, category: RateCategory, now: number): Promise<Admission> {
    if (credential.kind === "ip") return { principal: null, decision: this.take(category, now) };
    const principal = await this.principal(credential, now);
    if (!principal) return { principal: null, decision: null };
    return { principal, decision: this.take(category, now) };
  }

  /** Counts one request in the category's sliding window, if there is room. */
  take(category: RateCategory, now: number): RateDecision | null {
    if (category === "dedicated" || category === "none") return null;
    const { limit, windowMs } = RATE_LIMITS[category];
    const hits = (this.windows.get(category) ?? []).filter((at) => at > now - windowMs);
    this.windows.set(category, hits);
    const oldest = hits.length ? Math.min(...hits) : now;
    if (hits.length >= limit) return { allowed: false, limit, remaining: 0, resetAt: oldest + windowMs };
    hits.push(now);
    this.scheduleFlush();
    return { allowed: true, limit, remaining: limit - hits.length, resetAt: oldest + windowMs };
  }

  /**
   * Persists the windows at most once a second, off the request path: a storage write per
   * request cost ~0.4 ms of every call (measured, bench/). Losing the object loses at most
   * the last second of counts, which errs on the lenient side.
   */
  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      const entries = Object.fromEntries([...this.windows].map(([category, hits]) => [`hits:${category}`, hits]));
      this.ctx.storage.put(entries, { allowUnconfirmed: true }).catch(() => {});
    }, FLUSH_INTERVAL_MS);
  }

  /** Called when the key is revoked: every later request fails here, on every isolate. */
  revoke(): void {
    this.cached = { principal: null, fetchedAt: Date.now(), revoked: true };
    this.store(null, this.cached.fetchedAt, true);
  }

  private store(principal: Principal | null, fetchedAt: number, revoked: boolean): void {
    this.sql.exec(
      "create table if not exists principal (id integer primary key check (id = 1), json text, fetched_at integer not null, revoked integer not null)",
    );
    this.sql.exec(
      "insert or replace into principal (id, json, fetched_at, revoked) values (1, ?, ?, ?)",
      principal ? JSON.stringify(principal) : null,
      fetchedAt,
      revoked ? 1 : 0,
    );
  }

  private async principal(credential: Exclude<Credential, { kind: "ip" }>, now: number): Promise<Principal | null> {
    const cached = this.cached;
    if (cached?.revoked) return null;
    if (cached && now - cached.fetchedAt < IDENTITY_TTL_MS) return cached.principal;
    // Concurrent first requests share one database read.
    this.loading ??= this.load(credential).finally(() => (this.loading = undefined));
    const principal = await this.loading;
    if (this.cached?.revoked) return null; // revoked while we were reading
    this.cached = { principal, fetchedAt: now, revoked: false };
    // Unknown credentials are remembered in memory only, for the TTL: no storage for a guess.
    if (principal) this.store(principal, now, false);
    return principal;
  }

  private async load(credential: Exclude<Credential, { kind: "ip" }>): Promise<Principal | null> {
    const handle = openDb(this.env);
    try {
      const found =
        credential.kind === "key"
          ? await keyPrincipal(handle.db, credential.keyHash)
          : await sessionPrincipal(handle.db, credential.subject);
      return found ?? null;
    } finally {
      this.ctx.waitUntil(handle.close());
    }
  }
}
