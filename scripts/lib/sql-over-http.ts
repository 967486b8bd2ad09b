/**
 * Neon's SQL-over-HTTP endpoint (`POST /sql`), served locally so the Worker's driver can send
 * one-shot queries by `fetch` as it does against Neon in production: no WebSocket, no startup
 * handshake per request. Connections to the database are kept in a pool here, as Neon keeps
 * them on its side. The wire format is the one @neondatabase/serverless speaks: the query and
 * its text parameters in, field descriptions and rows of raw text out (the driver parses them),
 * and a Postgres error as a 400 carrying the server's error fields.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";

const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The fields of a Postgres error the driver copies onto its NeonDbError. */
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;
const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};
/** Every value stays the text Postgres sent: the driver applies its own type parsers. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

interface Statement {
  query: string;
  params?: unknown[];
}

export interface SqlOverHttp {
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

/** Serves `POST /sql?address=host:port` for the `allowed` addresses. */
export function sqlOverHttp(allowed: string[]): SqlOverHttp {
  const pools = new Map<string, pg.Pool>();

  /** The connection string names user, password and database; `?address=` the host:port (the driver drops the port). */
  const poolFor = (connectionString: string, address: string): pg.Pool | undefined => {
    let url: URL;
    try {
      url = new URL(connectionString);
    } catch {
      return undefined;
    }
    if (!allowed.includes(address)) return undefined;
    url.host = address;
    url.searchParams.delete("application_name");
    const key = url.toString();
    let pool = pools.get(key);
    if (!pool) {
      pool = new pg.Pool({ connectionString: key, max: 8 });
      pool.on("error", () => {});
      pools.set(key, pool);
    }
    return pool;
  };

  const execute = async (request: IncomingMessage, body: { query?: unknown; queries?: unknown }) => {
    const address = new URL(request.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    const pool = poolFor(String(request.headers["neon-connection-string"] ?? ""), address);
    if (!pool)
      return reply(403, { message: "a Neon-Connection-String header and an allowed ?address=host:port are required" });
    if (Array.isArray(body.queries))
      return reply(200, { results: await runBatch(pool, body.queries as Statement[], request.headers) });
    if (typeof body.query !== "string")
      return reply(400, { message: "body must be {query, params} or {queries: [...]}" });
    return reply(200, await runOne(pool, body as Statement));
  };

  return {
    handle(request, response) {
      readJson(request)
        .then((body) => (body === undefined ? reply(400, { message: "body must be JSON" }) : execute(request, body)))
        .catch((error: unknown) =>
          isPostgresError(error) ? reply(400, errorBody(error)) : reply(500, { message: String(error) }),
        )
        .then(({ status, json }) => {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify(json));
        });
    },
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}

async function runOne(queryable: pg.Pool | pg.PoolClient, statement: Statement) {
  const result = await queryable.query({
    text: statement.query,
    values: statement.params ?? [],
    rowMode: "array",
    types: RAW_TEXT,
  });
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields.map(({ name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format }) => ({
      name,
      tableID,
      columnID,
      dataTypeID,
      dataTypeSize,
      dataTypeModifier,
      format,
    })),
    rowAsArray: true,
  };
}

/** A batch is one transaction, with the isolation and access mode the headers ask for. */
async function runBatch(pool: pg.Pool, statements: Statement[], headers: IncomingMessage["headers"]) {
  const isolation =
    ISOLATION_LEVELS[String(headers["neon-batch-isolation-level"] ?? "ReadCommitted")] ?? "read committed";
  const readOnly = headers["neon-batch-read-only"] === "true" ? " read only" : "";
  const deferrable = headers["neon-batch-deferrable"] === "true" ? " deferrable" : "";
  const client = await pool.connect();
  try {
    await client.query(`begin isolation level ${isolation}${readOnly}${deferrable}`);
    const results = [];
    for (const statement of statements) results.push(await runOne(client, statement));
    await client.query("commit");
    return results;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function reply(status: number, json: unknown) {
  return { status, json };
}

function isPostgresError(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError;
}

function errorBody(error: pg.DatabaseError): Record<string, unknown> {
  const body: Record<string, unknown> = { message: error.message };
  for (const field of ERROR_FIELDS) if (error[field] !== undefined) body[field] = error[field];
  return body;
}

async function readJson(request: IncomingMessage): Promise<{ query?: unknown; queries?: unknown } | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return body && typeof body === "object" ? body : undefined;
  } catch {
    return undefined;
  }
}
