/**
 * What Neon serves in front of Postgres, for local development: the WebSocket-to-TCP bridge
 * over which the Worker's @neondatabase/serverless driver speaks the Postgres wire protocol
 * (sessions and transactions), and the SQL-over-HTTP endpoint it sends one-shot queries to.
 * Both reach a TCP Postgres (real PostgreSQL or PGlite's socket server).
 */
import http from "node:http";
import net from "node:net";
import { WebSocketServer, type RawData } from "ws";
import { sqlOverHttp } from "./sql-over-http";

export interface DbProxy {
  port: number;
  close(): Promise<void>;
}

/** Starts the proxy on `port` (0 picks one), reaching only the `allowed` host:port addresses. */
export async function startDbProxy(options: { port: number; allowed: string[]; host?: string }): Promise<DbProxy> {
  const sql = sqlOverHttp(options.allowed);
  const server = http.createServer((request, response) => {
    if (request.method === "POST" && request.url?.split("?")[0] === "/sql") return sql.handle(request, response);
    response
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ message: "POST /sql, or a WebSocket on /v1" }));
  });
  const wss = new WebSocketServer({ server });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1");
  });

  wss.on("connection", (ws, request) => {
    if (process.env.EDGEHUB_PROXY_DEBUG) console.log("[db-proxy] connection", request.url);
    const address = new URL(request.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    if (!options.allowed.includes(address)) {
      ws.close(1008, "address not allowed");
      return;
    }
    const [host, port] = splitAddress(address);
    const socket = net.connect({ host, port, noDelay: true });
    const pending: Buffer[] = [];
    let connected = false;

    socket.on("connect", () => {
      connected = true;
      for (const chunk of pending.splice(0)) socket.write(chunk);
    });
    socket.on("data", (data) => {
      if (process.env.EDGEHUB_PROXY_DEBUG) console.log("[db-proxy] reply", data.length, data.subarray(0, 1).toString());
      if (ws.readyState === ws.OPEN) ws.send(data);
    });
    socket.on("close", () => ws.readyState === ws.OPEN && ws.close());
    socket.on("error", () => ws.close());

    ws.on("message", (data: RawData) => {
      if (process.env.EDGEHUB_PROXY_DEBUG) console.log("[db-proxy] message", toBuffer(data).length);
      const chunk = toBuffer(data);
      if (connected) socket.write(chunk);
      else pending.push(chunk);
      // A Terminate message ('X', length 4) ends the session: close the TCP side now,
      // since PGlite's socket server only frees the connection slot when it closes.
      if (chunk.length === 5 && chunk[0] === 0x58) socket.end();
    });
    ws.on("close", () => socket.end());
    ws.on("error", () => socket.destroy());
  });

  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.close();
    },
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(":");
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
