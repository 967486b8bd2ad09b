import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { openDownload } from "../../services/downloads";
import { servedFileHeaders } from "../../storage/served-file";
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
    params: z.object({
      name: z
        .string()
        .min(1)
        .max(256)
        .openapi({ param: { name: "name", in: "path" } }),
    }),
    query: z.object({ token: z.string().optional() }),
  },
  responses: {
    200: { description: "The file" },
    206: { description: "The requested range" },
    ...errorResponses(401, 403, 404, 416),
  },
});

const handleDownload: AppHandler<typeof downloadRoute> = async (c) => {
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "get");
  const object = await openDownload(c.var.deps, claims.key, c.req.raw.headers);
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("ETag", object.httpEtag);
  headers.set("Accept-Ranges", "bytes");
  servedFileHeaders(headers, "attachment", claims.name);
  if (!("body" in object)) return new Response(null, { status: 304, headers });
  if (object.range && c.req.header("range")) {
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
