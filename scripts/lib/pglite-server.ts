/**
 * PGlite on a TCP port, speaking the Postgres wire protocol to any number of connections.
 * PGlite is one session, so connections take turns: a connection holds the database from its
 * first message until a Sync or simple Query leaves no transaction open. (pglite-socket's server
 * hands turns over per message outside transactions, which lets two clients' extended-protocol
 * sequences interleave: "portal does not exist", or one client reading another's rows.)
 * Named prepared statements are shared as a pooler shares them (`shared-statements.ts`): the
 * session prepares each once, whichever connections name it.
 */
import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import { SharedStatements } from "./shared-statements";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;

export interface PgliteServer {
  port: number;
  close(): Promise<void>;
}

export async function servePglite(db: PGlite, options: { host?: string; port?: number } = {}): Promise<PgliteServer> {
  let owner: net.Socket | null = null;
  const waiting: (() => void)[] = [];
  const acquire = async (socket: net.Socket) => {
    while (owner !== null && owner !== socket) await new Promise<void>((resolve) => waiting.push(resolve));
    owner = socket;
  };
  const release = (socket: net.Socket) => {
    if (owner !== socket) return;
    owner = null;
    waiting.splice(0).forEach((wake) => wake());
  };
  const sockets = new Set<net.Socket>();
  const shared = new SharedStatements();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let chain = Promise.resolve();
    const statements = shared.connection();

    const run = async (message: Uint8Array, type: string) => {
      await acquire(socket);
      try {
        const routed = statements.route(message, type);
        if (routed.kind === "answer") {
          if (routed.reply && socket.writable) socket.write(routed.reply);
          return;
        }
        const onRawData = (data: Uint8Array) => {
          statements.observe(data);
          if (socket.writable) socket.write(data);
        };
        await db.runExclusive(() => db.execProtocolRawStream(routed.message, { onRawData }));
        statements.settled(routed);
      } finally {
        // The turn ends at a sync point with no open transaction.
        if ((type === "S" || type === "Q" || type === "startup") && !db.isInTransaction()) release(socket);
      }
    };

    const next = (): { message: Buffer; type: string } | null => {
      if (!started) {
        if (buffer.length < 8) return null;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return null;
        const code = buffer.readInt32BE(4);
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST) return { message, type: "ssl" };
        if (code === CANCEL_REQUEST) return { message, type: "cancel" };
        started = true;
        return { message, type: "startup" };
      }
      if (buffer.length < 5) return null;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return null;
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      return { message, type: String.fromCharCode(message[0]!) };
    };

    socket.on("data", (data) => {
      buffer = Buffer.concat([buffer, data]);
      for (let item = next(); item; item = next()) {
        const { message, type } = item;
        chain = chain
          .then(async () => {
            if (type === "ssl") return void socket.write("N");
            if (type === "cancel") return;
            // Terminate: close the socket (the driver waits for it), never hand it to PGlite.
            if (type === "X") return void socket.end();
            await run(new Uint8Array(message), type);
          })
          .catch(() => void socket.destroy());
      }
    });
    const closed = () => {
      sockets.delete(socket);
      chain = chain.then(async () => {
        if (owner !== socket) return;
        if (db.isInTransaction()) await db.exec("ROLLBACK").catch(() => {});
        release(socket);
      });
    };
    socket.on("close", closed);
    socket.on("error", () => socket.destroy());
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
