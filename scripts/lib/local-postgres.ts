/**
 * The database for local runs and tests: embedded PGlite behind its socket server by default,
 * or a real PostgreSQL when a URL is given. Either way callers get a plain postgres:// URL.
 */
import { PGlite } from "@electric-sql/pglite";
import { servePglite } from "./pglite-server";
import pg from "pg";

export interface LocalPostgres {
  /** postgres://user@host:port/db */
  url: string;
  /** host:port, the address the database proxy must allow. */
  address: string;
  kind: "pglite" | "postgres";
  stop(): Promise<void>;
}

/** Starts PGlite, persisted under `dataDir` (in memory when omitted), on a TCP port. */
export async function startPglite(options: { dataDir?: string; port?: number } = {}): Promise<LocalPostgres> {
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  // The Worker opens one connection per request; they take turns on the one PGlite session.
  const server = await servePglite(db, { port: options.port });
  const port = server.port;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    address: `127.0.0.1:${port}`,
    kind: "pglite",
    stop: async () => {
      await server.close();
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
