import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, AppHandler } from "../../context";
import { ApiError, errorResponses } from "../../errors";
import { verifyTransfer } from "../../storage/signed-url";
import { mount } from "../mount";

export const downloadRoute = createRoute({
  method: "get",
  path: "/api/files/{name}",
  operationId: "get_api_files_name",
  tags: ["Files"],
  summary: "Download a file by signed URL",
  description: "Signed download URLs point here. Honours Range (206) and If-None-Match.",
  security: [],
  request: {
    params: z.object({ name: z.string().min(1).max(256).openapi({ param: { name: "name", in: "path" } }) }),
    query: z.object({ token: z.string().optional() }),
  },
  responses: { 200: { description: "The file" }, 206: { description: "The requested range" }, ...errorResponses(401, 403, 404, 416) },
});

/** `bytes=a-b`, `bytes=a-` and `bytes=-n`; a single range only. */
function parseRange(header: string | undefined): R2Range | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) throw new ApiError("RANGE_NOT_SATISFIABLE", `Unsupported Range: ${header}`);
  const [, start, end] = match;
  if (start === "") return { suffix: Number(end) };
  if (end === "") return { offset: Number(start) };
  if (Number(end) < Number(start)) throw new ApiError("RANGE_NOT_SATISFIABLE", `Unsupported Range: ${header}`);
  return { offset: Number(start), length: Number(end) - Number(start) + 1 };
}

const handleDownload: AppHandler<typeof downloadRoute> = async (c) => {
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "get");
  const range = parseRange(c.req.header("range"));
  const head = range ? await c.env.BUCKET.head(claims.key) : null;
  if (range && head) {
    const offset = "suffix" in range ? Math.max(0, head.size - range.suffix) : range.offset ?? 0;
    if (offset >= head.size) throw new ApiError("RANGE_NOT_SATISFIABLE", `Range starts beyond the file's ${head.size} bytes`, { "Content-Range": `bytes */${head.size}` });
  }
  const object = await c.env.BUCKET.get(claims.key, { range, onlyIf: c.req.raw.headers });
  if (!object) throw new ApiError("NOT_FOUND", "File not found");
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("ETag", object.httpEtag);
  headers.set("Accept-Ranges", "bytes");
  headers.set("Content-Disposition", `attachment; filename="${claims.name.replace(/["\\]/g, "_")}"`);
  if (!("body" in object)) return new Response(null, { status: 304, headers });
  if (range && object.range) {
    const r = object.range as { offset?: number; length?: number };
    const start = r.offset ?? 0;
    const length = r.length ?? object.size - start;
    headers.set("Content-Range", `bytes ${start}-${start + length - 1}/${object.size}`);
    headers.set("Content-Length", String(length));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
};

export function registerFileRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, downloadRoute, handleDownload);
}
