/**
 * The Worker's database handle: queries outside a transaction go by fetch to the SQL-over-HTTP
 * endpoint, transactions over a WebSocket session; DB_HTTP_QUERIES=false sends everything over
 * the WebSocket. Both ways answer the same and are timed for Server-Timing.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDb, type Database } from "../../src/db/client";
import { renderedOnce } from "../../src/db/rendered";

const realFetch = globalThis.fetch;
let sqlFetches = 0;

function countSqlFetches() {
  sqlFetches = 0;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input instanceof Request ? input.url : input).includes("/sql?")) sqlFetches++;
    return realFetch(input, init);
  }) as typeof fetch;
}

afterEach(() => {
  globalThis.fetch = realFetch;
});

async function exercise(settings: Partial<typeof env>) {
  const handle = openDb({ ...env, ...settings });
  try {
    const [one] = await handle.db.execute<{ n: number }>(sql`select ${41}::int + 1 as n`).then((result) => result.rows);
    const afterQuery = sqlFetches;
    const inTransaction = await handle.db.transaction(async (tx) => {
      const first = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      const second = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      return { same: first.rows[0]!.pid === second.rows[0]!.pid };
    });
    return {
      answer: one!.n,
      afterQuery,
      afterTransaction: sqlFetches - afterQuery,
      inTransaction,
      elapsedMs: handle.elapsedMs(),
    };
  } finally {
    await handle.close();
  }
}

/** Two shapes of one statement, named test_plus:one and test_plus:two. */
const plus = renderedOnce("test_plus", (db: Database, shape: "one" | "two") =>
  db
    .select({ n: sql<number>`${sql.placeholder("n")}::int + ${sql.raw(shape === "one" ? "1" : "2")}`.mapWith(Number) })
    .from(sql`(values (1)) as once_rendered(x)`),
);

describe("openDb", () => {
  it("sends a one-shot query by fetch and a transaction over one WebSocket session", async () => {
    countSqlFetches();
    const result = await exercise({});
    expect(result.answer).toBe(42);
    expect(result.afterQuery).toBe(1);
    expect(result.afterTransaction).toBe(0);
    expect(result.inTransaction.same).toBe(true);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it("with DB_HTTP_QUERIES=false sends every query over the WebSocket", async () => {
    countSqlFetches();
    const result = await exercise({ DB_HTTP_QUERIES: "false" });
    expect(result.answer).toBe(42);
    expect(result.afterQuery).toBe(0);
    expect(result.afterTransaction).toBe(0);
    expect(result.inTransaction.same).toBe(true);
    // The next handle with the default settings goes back to fetch.
    const again = await exercise({});
    expect(again.afterQuery).toBe(1);
  });

  it("refuses a second statement under a name in use", () => {
    expect(() =>
      renderedOnce("test_plus", (db: Database) => db.select({ n: sql<number>`1` }).from(sql`(values (1)) as v(x)`)),
    ).toThrow(/test_plus is taken/);
  });

  it("runs a statement rendered once by its name, on many WebSocket sessions at once and one after another", async () => {
    for (const transport of [{}, { DB_HTTP_QUERIES: "false" }]) {
      for (let round = 0; round < 2; round++) {
        const answers = await Promise.all(
          Array.from({ length: 4 }, async (_, i) => {
            const handle = openDb({ ...env, ...transport });
            try {
              return [await plus(handle.db, "one", { n: i }), await plus(handle.db, "two", { n: i })];
            } finally {
              await handle.close();
            }
          }),
        );
        expect(answers).toEqual(Array.from({ length: 4 }, (_, i) => [[{ n: i + 1 }], [{ n: i + 2 }]]));
      }
    }
    if (env.DATABASE_KIND === "pglite") {
      // PGlite's one session holds each shape's statement once, however many connections named it.
      const handle = openDb({ ...env, DB_HTTP_QUERIES: "false" });
      const { rows } = await handle.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_prepared_statements where statement like '%once_rendered%'`,
      );
      await handle.close();
      expect(rows[0]!.n).toBe(2);
    }
  });
});
