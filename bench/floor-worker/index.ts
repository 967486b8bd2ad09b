import { Client, Pool, neonConfig } from "@neondatabase/serverless";
import { DurableObject } from "cloudflare:workers";
import { Hono, type Context } from "hono";

interface Env {
  FLOOR: DurableObjectNamespace<Floor>;
  BUCKET: R2Bucket;
  DATABASE_URL: string;
  DB_WS_PROXY: string;
  DB_HTTP_QUERIES?: string;
}

/** The cheapest Durable Object call: what the API's KeyGate call is compared with. */
export class Floor extends DurableObject<Env> {
  take(now: number): number {
    return now;
  }
}

const app = new Hono<{ Bindings: Env }>();

app.get("/json", (c) => c.json({ ok: true }));

app.get("/do", async (c) => {
  const stub = c.env.FLOOR.get(c.env.FLOOR.idFromName("bench"));
  return c.json({ at: await stub.take(Date.now()) });
});

function configureDriver(env: Env) {
  const proxy = env.DB_WS_PROXY;
  const database = new URL(env.DATABASE_URL);
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  neonConfig.fetchEndpoint = `http://${proxy}/sql?address=${database.hostname}:${database.port || 5432}`;
  neonConfig.poolQueryViaFetch = true;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/**
 * One DO call plus one query, sent the way the API sends a query outside a transaction (by
 * fetch to the SQL-over-HTTP endpoint), or over a WebSocket session opened for the request
 * (how the API ran every query before, and what a transaction still costs).
 */
async function oneQuery(
  c: Context<{ Bindings: Env }>,
  text: string,
  params: unknown[],
  transport: "http" | "websocket",
  name?: string,
) {
  const stub = c.env.FLOOR.get(c.env.FLOOR.idFromName("bench"));
  await stub.take(Date.now());
  configureDriver(c.env);
  if (transport === "http") {
    const pool = new Pool({ connectionString: c.env.DATABASE_URL, max: 1 });
    pool.on("error", () => {});
    const { rows } = await pool.query(text, params);
    return c.json({ rows });
  }
  const client = new Client(c.env.DATABASE_URL);
  client.on("error", () => {});
  await client.connect();
  const { rows } = await client.query({ name, text, values: params });
  c.executionCtx.waitUntil(client.end());
  return c.json({ rows });
}

/** The transport the API uses for a query outside a transaction, with the same settings. */
const apiTransport = (env: Env) => (env.DB_HTTP_QUERIES === "false" ? "websocket" : "http");

const ONE_QUERY = "select id, name from projects where id = $1 limit 1";
app.get("/db/:id", (c) => oneQuery(c, ONE_QUERY, [c.req.param("id")], apiTransport(c.env)));
app.get("/db-http/:id", (c) => oneQuery(c, ONE_QUERY, [c.req.param("id")], "http"));
app.get("/db-websocket/:id", (c) => oneQuery(c, ONE_QUERY, [c.req.param("id")], "websocket"));
/**
 * The API read's own statement (the bench posts the SQL drizzle makes for it), run raw: the
 * floor for "one query" when the query is the same, so the ratio isolates EdgeHub's overhead.
 */
let readStatement: { sql: string; params: unknown[] } | undefined;
app.post("/read-statement", async (c) => {
  readStatement = await c.req.json();
  return c.json({ ok: true });
});
app.get("/db-read", async (c) => {
  if (!readStatement) return c.text("POST /read-statement first", 400);
  return oneQuery(c, readStatement.sql, readStatement.params, apiTransport(c.env));
});
/** The same, as a named prepared statement like the API's (over a WebSocket session; HTTP drops the name). */
app.get("/db-read-prepared", async (c) => {
  if (!readStatement) return c.text("POST /read-statement first", 400);
  return oneQuery(c, readStatement.sql, readStatement.params, apiTransport(c.env), "floor_read");
});

/** R2 multipart with no auth, no signing, no database: the upload floor. */
app.post("/mpu", async (c) => {
  const upload = await c.env.BUCKET.createMultipartUpload(c.req.query("key")!);
  return c.json({ uploadId: upload.uploadId });
});

app.put("/mpu/:uploadId/:part", async (c) => {
  const upload = c.env.BUCKET.resumeMultipartUpload(c.req.query("key")!, c.req.param("uploadId"));
  const part = await upload.uploadPart(Number(c.req.param("part")), c.req.raw.body!);
  return c.json(part);
});

app.post("/mpu/:uploadId/complete", async (c) => {
  const upload = c.env.BUCKET.resumeMultipartUpload(c.req.query("key")!, c.req.param("uploadId"));
  const object = await upload.complete(await c.req.json());
  await c.env.BUCKET.delete(object.key);
  return c.json({ size: object.size });
});

export default app;
