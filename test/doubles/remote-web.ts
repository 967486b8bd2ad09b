/**
 * TEST DOUBLE of the web outside EdgeHub: the remote hosts users point `source` URLs at, and a
 * DNS-over-HTTPS resolver. It serves a picture, redirects, bodies over the predict cap, errors,
 * and A/AAAA answers that name private addresses; it counts requests per `probe` so a test can
 * tell whether the Worker fetched at all.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export const REMOTE_PICTURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);

/** Names the resolver knows; any other has no records. */
const DNS: Record<string, { A?: string[]; AAAA?: string[] }> = {
  "internal.example.test": { A: ["10.0.0.5"] },
  "metadata.example.test": { A: ["169.254.169.254"] },
  "mixed.example.test": { A: ["93.184.215.14"], AAAA: ["fd00::1"] },
};

export async function startRemoteWeb(): Promise<{ host: string; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://remote");
    const probe = url.searchParams.get("probe");
    if (probe && url.pathname !== "/hits") hits.set(probe, (hits.get(probe) ?? 0) + 1);
    switch (url.pathname) {
      case "/picture.png":
        return response.writeHead(200, { "Content-Type": "image/png" }).end(REMOTE_PICTURE);
      case "/redirect":
        return response.writeHead(302, { Location: url.searchParams.get("to") ?? "/" }).end();
      case "/huge-declared":
        return response
          .writeHead(200, { "Content-Type": "image/png", "Content-Length": String(200 * 1024 * 1024) })
          .end(Buffer.alloc(16));
      case "/huge-streamed":
        return streamZeros(response, Number(url.searchParams.get("mb") ?? 101));
      case "/error":
        return response.writeHead(500, { "Content-Type": "text/plain" }).end("internal detail: db at 10.1.2.3 is down");
      case "/hits":
        return response
          .writeHead(200, { "Content-Type": "application/json" })
          .end(JSON.stringify({ hits: hits.get(url.searchParams.get("probe") ?? "") ?? 0 }));
      case "/dns-query": {
        const type = url.searchParams.get("type") as "A" | "AAAA";
        const records = DNS[url.searchParams.get("name") ?? ""]?.[type] ?? [];
        const Answer = records.map((data) => ({
          name: url.searchParams.get("name"),
          type: type === "A" ? 1 : 28,
          TTL: 60,
          data,
        }));
        return response
          .writeHead(200, { "Content-Type": "application/dns-json" })
          .end(JSON.stringify({ Status: records.length ? 0 : 3, Answer }));
      }
      default:
        return response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A chunked body of `mb` megabytes, written as fast as the reader takes it. */
function streamZeros(response: http.ServerResponse, mb: number): void {
  response.writeHead(200, { "Content-Type": "image/png" });
  const chunk = Buffer.alloc(1024 * 1024);
  let sent = 0;
  const write = () => {
    while (sent < mb) {
      sent++;
      if (!response.write(chunk)) return void response.once("drain", write);
    }
    response.end();
  };
  response.on("error", () => {});
  write();
}
