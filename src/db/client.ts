import { Pool, neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { Env } from "../env";
import * as schema from "./schema";

export type Database = NeonDatabase<typeof schema>;
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
  let elapsed = 0;
  let connectStart: number | undefined;
  // Time the connection and every query for Server-Timing, without changing how the pool is called.
  const markConnect = <F extends (...args: never[]) => unknown>(fn: F): F =>
    ((...args: never[]) => {
      connectStart ??= performance.now();
      return fn(...args);
    }) as F;
  pool.query = markConnect(pool.query.bind(pool));
  pool.connect = markConnect(pool.connect.bind(pool));
  pool.on("connect", (client: { query: (...args: unknown[]) => unknown }) => {
    if (connectStart !== undefined) elapsed += performance.now() - connectStart;
    const query = client.query.bind(client);
    client.query = (...args: unknown[]) => {
      const start = performance.now();
      const result = query(...args);
      if (result && typeof (result as PromiseLike<unknown>).then === "function") {
        const done = () => (elapsed += performance.now() - start);
        (result as PromiseLike<unknown>).then(done, done);
      }
      return result;
    };
  });
  return {
    db: drizzle({ client: pool, schema }),
    elapsedMs: () => elapsed,
    close: () => pool.end().catch(() => {}),
  };
}

/** One round trip, for health checks. */
export async function ping(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
