/**
 * The WebSocket-to-TCP bridge Neon documents for local development: the Worker's
 * @neondatabase/serverless driver speaks the Postgres wire protocol over a WebSocket,
 * and this forwards it to a TCP Postgres (real PostgreSQL or PGlite's socket server).
 */
import net from "node:net";
import { WebSocketServer, type RawData } from "ws";

export interface WsProxy {
  port: number;
  close(): Promise<void>;
}

/** Starts the bridge on `port` (0 picks one), forwarding only to the `allowed` host:port addresses. */
export async function startWsProxy(options: { port: number; allowed: string[]; host?: string }): Promise<WsProxy> {
  const wss = new WebSocketServer({ port: options.port, host: options.host ?? "127.0.0.1" });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });

  wss.on("connection", (ws, request) => {
    if (process.env.EDGEHUB_PROXY_DEBUG) console.log("[ws-proxy] connection", request.url);
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
      if (process.env.EDGEHUB_PROXY_DEBUG) console.log("[ws-proxy] reply", data.length, data.subarray(0, 1).toString());
      if (ws.readyState === ws.OPEN) ws.send(data);
    });
    socket.on("close", () => ws.readyState === ws.OPEN && ws.close());
    socket.on("error", () => ws.close());

    ws.on("message", (data: RawData) => {
      if (process.env.EDGEHUB_PROXY_DEBUG) console.log("[ws-proxy] message", toBuffer(data).length);
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

  const address = wss.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
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
