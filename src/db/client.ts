import { Pool, neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { Env } from "../env";

/** No relational-query schema: every query is written with the builder, and building one costs ~0.1 ms per request. */
export type Database = NeonDatabase;
/** What queries accept: the database or an open transaction. */
export type Queryable = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

let configuredProxy: string | undefined;

/** Locally the driver reaches Postgres/PGlite through the WebSocket proxy, as Neon documents. */
function configureDriver(env: Env): void {
  if (!env.DB_WS_PROXY || configuredProxy === env.DB_WS_PROXY) return;
  const proxy = env.DB_WS_PROXY;
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  configuredProxy = proxy;
}

export interface DbHandle {
  db: Database;
  /** Milliseconds spent waiting on queries, for Server-Timing. */
  elapsedMs(): number;
  close(): Promise<void>;
}

/**
 * One pool (one connection) per request: a pool kept across requests cannot serve another
 * request in workerd. Callers close it with waitUntil.
 */
export function openDb(env: Env): DbHandle {
  configureDriver(env);
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1 });
  // Without a listener, a connection dropped after the response fails the isolate.
  pool.on("error", () => {});
  // Server-Timing "db": the time during which at least one connect or query was pending.
  let elapsed = 0;
  let pending = 0;
  let busySince = 0;
  const timed = <F extends (...args: never[]) => unknown>(fn: F): F =>
    ((...args: never[]) => {
      const result = fn(...args);
      // Callback-style calls (the pool's own, inside pool.query) return nothing: their caller is timed.
      if (!result || typeof (result as PromiseLike<unknown>).then !== "function") return result;
      if (pending++ === 0) busySince = performance.now();
      const settle = () => {
        if (--pending === 0) elapsed += performance.now() - busySince;
      };
      (result as PromiseLike<unknown>).then(settle, settle);
      return result;
    }) as F;
  pool.query = timed(pool.query.bind(pool));
  pool.connect = timed(pool.connect.bind(pool));
  // Transactions query a checked-out client directly.
  pool.on("connect", (client: { query: (...args: never[]) => unknown }) => {
    client.query = timed(client.query.bind(client));
  });
  return {
    db: drizzle({ client: pool }),
    elapsedMs: () => elapsed,
    close: () => pool.end().catch(() => {}),
  };
}

/** One round trip, for health checks. */
export async function ping(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
