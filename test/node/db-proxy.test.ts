/**
 * The local database proxy's SQL-over-HTTP endpoint, driven by the real @neondatabase/serverless
 * driver in Node, as the Worker drives it: values round-trip with their types, Postgres errors
 * keep their codes, batches are all-or-nothing, and only the allowed database is reachable.
 */
import { NeonDbError, Pool, neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDbProxy, type DbProxy } from "../../scripts/lib/db-proxy";
import { createScratchDatabase, startPglite, type LocalPostgres } from "../../scripts/lib/local-postgres";

let db: LocalPostgres;
let proxy: DbProxy;
let endpoint: string;

beforeAll(async () => {
  const serverUrl = process.env.EDGEHUB_TEST_DATABASE_URL;
  db = serverUrl ? await createScratchDatabase(serverUrl, `edgehub_proxy_${process.pid}`) : await startPglite();
  proxy = await startDbProxy({ port: 0, allowed: [db.address] });
  endpoint = `http://127.0.0.1:${proxy.port}/sql`;
  neonConfig.fetchEndpoint = `${endpoint}?address=${db.address}`;
  const sql = neon(db.url);
  await sql.query(
    "create table if not exists proxy_items (id text primary key, n integer, doc jsonb, at timestamptz, bytes bytea, note text)",
  );
});

afterAll(async () => {
  await proxy?.close();
  await db?.stop();
});

describe("POST /sql on the local database proxy", () => {
  it("runs a parameterised query and returns typed rows", async () => {
    const sql = neon(db.url);
    const at = new Date("2026-01-02T03:04:05.678Z");
    await sql.query("insert into proxy_items (id, n, doc, at, bytes, note) values ($1, $2, $3, $4, $5, $6)", [
      "a",
      7,
      JSON.stringify({ k: [1, "two"] }),
      at,
      Buffer.from([0, 255, 16]),
      null,
    ]);
    const rows = await sql.query("select id, n, doc, at, bytes, note from proxy_items where id = $1", ["a"]);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ id: "a", n: 7, doc: { k: [1, "two"] }, note: null });
    expect((row.at as Date).toISOString()).toBe(at.toISOString());
    expect([...(row.bytes as Uint8Array)]).toEqual([0, 255, 16]);
  });

  it("answers a Pool's query by fetch with rowCount and fields, as drizzle reads them", async () => {
    neonConfig.poolQueryViaFetch = true;
    const pool = new Pool({ connectionString: db.url, max: 1 });
    try {
      const updated = await pool.query("update proxy_items set n = n + 1 where id = $1", ["a"]);
      expect(updated.rowCount).toBe(1);
      const selected = await pool.query({
        text: "select n, id from proxy_items where id = $1",
        values: ["a"],
        rowMode: "array",
      });
      expect(selected.rows).toEqual([[8, "a"]]);
      expect(selected.fields.map((field) => field.name)).toEqual(["n", "id"]);
    } finally {
      neonConfig.poolQueryViaFetch = false;
      await pool.end();
    }
  });

  it("keeps a Postgres error's code and fields", async () => {
    const sql = neon(db.url);
    const error = await sql.query("insert into proxy_items (id) values ($1)", ["a"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({ code: "23505", constraint: "proxy_items_pkey" });
    const syntax = await sql.query("selec 1").catch((e: unknown) => e);
    expect(syntax).toMatchObject({ code: "42601" });
  });

  it("runs a batch as one transaction: a failing statement undoes the others", async () => {
    const sql = neon(db.url);
    const results = await sql.transaction([
      sql.query("insert into proxy_items (id, n) values ($1, $2)", ["b", 1]),
      sql.query("select count(*)::int as n from proxy_items"),
    ]);
    expect(results[1]).toEqual([{ n: 2 }]);
    const error = await sql
      .transaction([
        sql.query("insert into proxy_items (id) values ($1)", ["c"]),
        sql.query("insert into proxy_items (id) values ($1)", ["a"]),
      ])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "23505" });
    expect(await sql.query("select id from proxy_items where id = $1", ["c"])).toEqual([]);
    const readOnly = await sql
      .transaction([sql.query("insert into proxy_items (id) values ($1)", ["d"])], { readOnly: true })
      .catch((e: unknown) => e);
    expect(readOnly).toMatchObject({ code: "25006" });
  });

  it("refuses other addresses, a missing connection string and a body that is not JSON", async () => {
    const headers = { "Neon-Connection-String": db.url };
    const body = JSON.stringify({ query: "select 1", params: [] });
    const elsewhere = await fetch(`${endpoint}?address=127.0.0.1:1`, { method: "POST", headers, body });
    expect(elsewhere.status).toBe(403);
    const anonymous = await fetch(`${endpoint}?address=${db.address}`, { method: "POST", body });
    expect(anonymous.status).toBe(403);
    const garbled = await fetch(`${endpoint}?address=${db.address}`, { method: "POST", headers, body: "select 1" });
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toEqual({ message: "body must be JSON" });
    const shapeless = await fetch(`${endpoint}?address=${db.address}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ sql: "select 1" }),
    });
    expect(shapeless.status).toBe(400);
    const unknownPath = await fetch(`http://127.0.0.1:${proxy.port}/other`, { method: "POST", headers, body });
    expect(unknownPath.status).toBe(404);
  });
});
