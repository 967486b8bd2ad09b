import { Pool, neonConfig, type PoolClient } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { Env } from "../env";

/** No relational-query schema: every query is written with the builder, and building one costs ~0.1 ms per request. */
export type Database = NeonDatabase & { $client: Pool };
/** What queries accept: the database or an open transaction. */
export type Queryable = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

let configured: string | undefined;

/**
 * Queries outside a transaction go by `fetch` to the database's SQL-over-HTTP endpoint: one
 * round trip, where a WebSocket session first pays its startup handshake. Transactions check a
 * client out of the pool and run over the WebSocket. Locally the proxy of `npm run dev` serves
 * both, as Neon does in production.
 */
function configureDriver(env: Env): void {
  const settings = `${env.DB_WS_PROXY ?? ""}|${env.DB_HTTP_QUERIES ?? ""}|${env.DATABASE_URL}`;
  if (configured === settings) return;
  neonConfig.poolQueryViaFetch = env.DB_HTTP_QUERIES !== "false";
  const proxy = env.DB_WS_PROXY;
  if (proxy) {
    neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
    // The pool's fetch path drops the port from the connection string (Neon's is always 5432), so the address travels as for the WebSocket.
    const database = new URL(env.DATABASE_URL);
    neonConfig.fetchEndpoint = `http://${proxy}/sql?address=${database.hostname}:${database.port || 5432}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  configured = settings;
}

export interface DbHandle {
  db: Database;
  /** Milliseconds spent waiting on queries, for Server-Timing. */
  elapsedMs(): number;
  close(): Promise<void>;
}

/**
 * One pool (one connection for transactions) per request: a pool kept across requests cannot
 * serve another request in workerd. Callers close it with waitUntil.
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
  // Transactions query a checked-out client directly. (A "connect" listener would do, but any
  // listener other than "error" turns the pool's queries by fetch off.)
  const timedClients = new WeakSet<object>();
  const checkOut = pool.connect.bind(pool) as (callback?: unknown) => Promise<PoolClient> | undefined;
  const connect = timed(() => checkOut()!);
  pool.connect = ((callback?: unknown) =>
    // The pool's own query checks out with a callback, and is timed as a whole.
    callback
      ? checkOut(callback)
      : connect().then((client) => {
          if (!timedClients.has(client)) {
            timedClients.add(client);
            client.query = timed(client.query.bind(client));
          }
          return client;
        })) as typeof pool.connect;
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
