/**
 * Starts the database the Worker under test talks to: embedded PGlite by default, or a scratch
 * database on the PostgreSQL at EDGEHUB_TEST_DATABASE_URL. Either is reached by the Worker's
 * own Neon driver through the database proxy, as in `npm run dev`.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { copyAssets } from "../../scripts/copy-assets";
import { startDbProxy } from "../../scripts/lib/db-proxy";
import { createScratchDatabase, startPglite } from "../../scripts/lib/local-postgres";
import { applyMigrations } from "../../scripts/lib/migrate";
import { startRemoteWeb } from "../doubles/remote-web";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbProxy: string;
    databaseKind: string;
    /** The official contract's JSON, or "" when ../shared/spec is absent. */
    contractSpec: string;
    /** host:port of the remote web double (test/doubles/remote-web.ts). */
    remoteWeb: string;
  }
}

export default async function setup(project: TestProject) {
  copyAssets();
  const serverUrl = process.env.EDGEHUB_TEST_DATABASE_URL;
  const db = serverUrl ? await createScratchDatabase(serverUrl, `edgehub_test_${process.pid}`) : await startPglite();
  await applyMigrations(db.url);
  const proxy = await startDbProxy({ port: 0, allowed: [db.address] });
  project.provide("databaseUrl", db.url);
  project.provide("dbProxy", `127.0.0.1:${proxy.port}`);
  project.provide("databaseKind", db.kind);
  const remoteWeb = await startRemoteWeb();
  project.provide("remoteWeb", remoteWeb.host);
  const specPath = path.resolve(import.meta.dirname, "../../../shared/spec/platform-openapi.json");
  project.provide("contractSpec", existsSync(specPath) ? readFileSync(specPath, "utf8") : "");
  console.log(`[test] database: ${db.kind} (${db.address}), proxy 127.0.0.1:${proxy.port}`);
  return async () => {
    await remoteWeb.close();
    await proxy.close();
    await db.stop();
  };
}
