/**
 * The database for local runs and tests: embedded PGlite behind its socket server by default,
 * or a real PostgreSQL when a URL is given. Either way callers get a plain postgres:// URL.
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";

export interface LocalPostgres {
  /** postgres://user@host:port/db */
  url: string;
  /** host:port, the address the WebSocket proxy must allow. */
  address: string;
  kind: "pglite" | "postgres";
  stop(): Promise<void>;
}

/** Starts PGlite, persisted under `dataDir` (in memory when omitted), on a TCP port. */
export async function startPglite(options: { dataDir?: string; port?: number } = {}): Promise<LocalPostgres> {
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  // The Worker opens one connection per request and closes it after answering, so under load many
  // are open or closing at once (16 refused connections at 10 concurrent clients). They share
  // one PGlite through the server's queue, so a high cap costs nothing.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: options.port ?? 0, maxConnections: 256 });
  const listening = new Promise<number>((resolve) =>
    server.addEventListener("listening", (event) => resolve((event as CustomEvent<{ port: number }>).detail.port)),
  );
  await server.start();
  const port = await listening;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    address: `127.0.0.1:${port}`,
    kind: "pglite",
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/** Creates a scratch database on a real PostgreSQL server, dropped again by `stop()`. */
export async function createScratchDatabase(serverUrl: string, name: string): Promise<LocalPostgres> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${name}"`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (!url.password) url.password = "postgres"; // the neon driver wants one; trust auth ignores it
  return {
    url: url.toString(),
    address: `${url.hostname}:${url.port || "5432"}`,
    kind: "postgres",
    stop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/** True when a PostgreSQL server answers at `url` within a second. */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
