/**
 * The PGlite socket server shares one session among many connections. Named prepared statements
 * are shared the way PgBouncer shares them: each connection keeps its own names, the session
 * prepares a statement once, and the wire answers are those Postgres would give.
 */
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPglite, type LocalPostgres } from "../../scripts/lib/local-postgres";

let db: LocalPostgres;

beforeAll(async () => {
  db = await startPglite();
});

afterAll(async () => {
  await db?.stop();
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return client;
}

async function sharedStatementCount(client: pg.Client): Promise<number> {
  const { rows } = await client.query(
    "select count(*)::int as n from pg_prepared_statements where name like 'shared_%'",
  );
  return rows[0].n as number;
}

/** A raw protocol connection: sends frontend messages, answers the backend message types up to ReadyForQuery. */
async function rawConnection() {
  const socket = net.connect(Number(db.address.split(":")[1]), "127.0.0.1");
  let buffer = Buffer.alloc(0);
  let waiter: (() => void) | undefined;
  socket.on("data", (data) => {
    buffer = Buffer.concat([buffer, data]);
    waiter?.();
  });
  const untilReady = async (): Promise<string[]> => {
    const types: string[] = [];
    for (;;) {
      while (buffer.length >= 5 && buffer.length >= 1 + buffer.readInt32BE(1)) {
        const type = String.fromCharCode(buffer[0]!);
        buffer = buffer.subarray(1 + buffer.readInt32BE(1));
        types.push(type);
        if (type === "Z") return types;
      }
      await new Promise<void>((resolve) => (waiter = resolve));
    }
  };
  const message = (type: string, ...parts: (string | Buffer)[]) => {
    const body = Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(`${part}\0`) : part)));
    const header = Buffer.alloc(5);
    header.write(type, 0);
    header.writeInt32BE(4 + body.length, 1);
    return Buffer.concat([header, body]);
  };
  const int16 = (...values: number[]) => Buffer.concat(values.map((value) => Buffer.from([value >> 8, value & 255])));
  const startup = Buffer.concat([Buffer.alloc(8), Buffer.from("user\0postgres\0database\0postgres\0\0")]);
  startup.writeInt32BE(startup.length, 0);
  startup.writeInt32BE(196608, 4);
  socket.write(startup);
  await untilReady();
  return {
    parse: (name: string, text: string) => message("P", name, text, int16(0)),
    /** Binds the statement to the unnamed portal with one text parameter. */
    bind: (statement: string, value: string) => {
      const length = Buffer.alloc(4);
      length.writeInt32BE(Buffer.byteLength(value));
      return message("B", "", statement, Buffer.concat([int16(0, 1), length, Buffer.from(value), int16(0)]));
    },
    execute: () => message("E", "", Buffer.alloc(4)),
    closeStatement: (name: string) => message("C", Buffer.from("S"), name),
    sync: () => message("S"),
    send: (...messages: Buffer[]) => {
      socket.write(Buffer.concat(messages));
      return untilReady();
    },
    end: () => socket.destroy(),
  };
}

describe("named prepared statements on the shared PGlite session", () => {
  it("prepares a statement once for every connection that names it", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    try {
      const before = await sharedStatementCount(a);
      const query = (value: number) => ({ name: "answer", text: "select $1::int + 1 as n", values: [value] });
      expect((await a.query(query(1))).rows).toEqual([{ n: 2 }]);
      expect((await b.query(query(41))).rows).toEqual([{ n: 42 }]);
      expect((await a.query(query(2))).rows).toEqual([{ n: 3 }]);
      expect(await sharedStatementCount(b)).toBe(before + 1);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it("keeps each connection's names its own: one name, two statements, no crossed answers", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    try {
      for (let round = 0; round < 2; round++) {
        const [fromA, fromB] = await Promise.all([
          a.query({ name: "which", text: "select 'a' as v" }),
          b.query({ name: "which", text: "select 'b' as v" }),
        ]);
        expect(fromA.rows).toEqual([{ v: "a" }]);
        expect(fromB.rows).toEqual([{ v: "b" }]);
      }
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it("forgets shared statements that DEALLOCATE ALL drops, and only then", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    try {
      const query = { name: "kept", text: "select 'kept' as v" };
      expect((await a.query(query)).rows).toEqual([{ v: "kept" }]);
      // Words in a query are not a DEALLOCATE: the statement stays shared.
      await a.query("select 'deallocate all' as s");
      expect((await b.query(query)).rows).toEqual([{ v: "kept" }]);
      await a.query("deallocate all");
      const c = await connect();
      expect((await c.query(query)).rows).toEqual([{ v: "kept" }]);
      await c.end();
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it("reports a statement that does not parse every time, and the connection goes on", async () => {
    const client = await connect();
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(client.query({ name: `broken-${attempt}`, text: "selec 1" })).rejects.toMatchObject({
          code: "42601",
        });
      }
      expect((await client.query("select 7 as n")).rows).toEqual([{ n: 7 }]);
    } finally {
      await client.end();
    }
  });

  it("answers a shared Parse as Postgres would: skipped after an error until Sync, and Close only drops the connection's name", async () => {
    const first = await rawConnection();
    const second = await rawConnection();
    try {
      expect(await first.send(first.parse("n", "select $1::int as n"), first.sync())).toEqual(["1", "Z"]);
      // The second connection's Parse of the same statement is answered here, after its Bind failed: not at all.
      expect(
        await second.send(
          second.parse("m", "select $1::text as m"),
          second.bind("m", "ok"),
          second.execute(),
          second.parse("n", "select $1::int as n"),
          second.sync(),
        ),
      ).toEqual(["1", "2", "D", "C", "1", "Z"]);
      expect(
        await second.send(
          second.bind("m", "ok"),
          second.bind("missing", "x"),
          second.parse("n2", "select $1::int as n"),
          second.execute(),
          second.sync(),
        ),
      ).toEqual(["2", "E", "Z"]);
      expect(await second.send(second.bind("n", "not a number"), second.execute(), second.sync())).toEqual(["E", "Z"]);
      expect(await second.send(second.bind("n", "5"), second.execute(), second.sync())).toEqual(["2", "D", "C", "Z"]);
      // Close drops the name for this connection only; the other still runs the statement.
      expect(await second.send(second.closeStatement("n"), second.sync())).toEqual(["3", "Z"]);
      expect(await second.send(second.bind("n", "5"), second.execute(), second.sync())).toEqual(["E", "Z"]);
      expect(await first.send(first.bind("n", "6"), first.execute(), first.sync())).toEqual(["2", "D", "C", "Z"]);
    } finally {
      first.end();
      second.end();
    }
  });
});
