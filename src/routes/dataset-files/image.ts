import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { setHoldsHash } from "../../db/versions";
import { ApiError, errorResponses } from "../../errors";
import { imageKey } from "../../storage/keys";
import { servedFileHeaders } from "../../storage/served-file";
import { verifyTransfer } from "../../storage/signed-url";

export const setImageRoute = createRoute({
  method: "get",
  path: "/api/dataset-images/{file}",
  operationId: "get_api_dataset_images_file",
  tags: ["Files"],
  summary: "Download a picture of a dataset's NDJSON",
  description:
    "`<sha-256>.<ext>` with the token the NDJSON carries: only pictures of the version (or dataset) it was signed for.",
  security: [],
  request: {
    params: z.object({
      file: z
        .string()
        .regex(/^[0-9a-f]{64}\.[a-z]{3,4}$/, "must be <sha-256>.<ext>")
        .openapi({ param: { name: "file", in: "path" } }),
    }),
    query: z.object({ token: z.string().optional() }),
  },
  responses: { 200: { description: "The picture" }, ...errorResponses(400, 401, 403, 404) },
});

export const handleSetImage: AppHandler<typeof setImageRoute> = async (c) => {
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "set-image");
  const { file } = c.req.valid("param");
  const hash = file.slice(0, 64);
  if (!(await setHoldsHash(c.var.deps.db, claims.set, hash))) throw new ApiError("NOT_FOUND", "File not found");
  const object = await c.var.deps.bucket.get(imageKey(hash));
  if (!object) throw new ApiError("NOT_FOUND", "File not found");
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("ETag", object.httpEtag);
  headers.set("Content-Length", String(object.size));
  // The bytes under a hash never change.
  headers.set("Cache-Control", "private, max-age=604800, immutable");
  servedFileHeaders(headers, "inline", file);
  return new Response(object.body, { status: 200, headers });
};
