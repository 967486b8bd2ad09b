import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { openNdjson, SET_URL_SECONDS } from "../../services/dataset-versions";
import { IMAGE_BASE, SET_TOKEN } from "../../services/ndjson";
import { servedFileHeaders } from "../../storage/served-file";
import { signTransfer, verifyTransfer } from "../../storage/signed-url";

export const ndjsonRoute = createRoute({
  method: "get",
  path: "/api/dataset-exports/{name}",
  operationId: "get_api_dataset_exports_name",
  tags: ["Files"],
  summary: "Download a dataset's NDJSON by signed URL",
  description:
    "The link GET .../export answers (409 while a runner is still writing it). Each image's URL in it is signed for a week, for this version (or this export) and its pictures only.",
  security: [],
  request: {
    params: z.object({
      name: z
        .string()
        .min(1)
        .max(300)
        .openapi({ param: { name: "name", in: "path" } }),
    }),
    query: z.object({ token: z.string().optional() }),
  },
  responses: { 200: { description: "The NDJSON" }, ...errorResponses(401, 403, 404, 409) },
});

export const handleNdjson: AppHandler<typeof ndjsonRoute> = async (c) => {
  const { deps } = c.var;
  const claims = await verifyTransfer(c.env.SIGNING_SECRET, c.req.valid("query").token, "ndjson");
  const object = await openNdjson(deps, claims.key, claims.set);
  const expiresAt = new Date(deps.now().getTime() + SET_URL_SECONDS * 1000);
  const token = await signTransfer(c.env.SIGNING_SECRET, { op: "set-image", set: claims.set }, expiresAt);
  const base = `${deps.baseUrl}/api/dataset-images`;
  const body = object.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(byLine((line) => line.replaceAll(IMAGE_BASE, base).replaceAll(SET_TOKEN, token)))
    .pipeThrough(new TextEncoderStream());
  const headers = servedFileHeaders(new Headers({ "Content-Type": "application/x-ndjson" }), "attachment", claims.name);
  return new Response(body, { status: 200, headers });
};

/** Applies `change` to each whole line (a placeholder is never cut in two by a chunk boundary). */
function byLine(change: (line: string) => string): TransformStream<string, string> {
  let partial = "";
  return new TransformStream({
    transform(chunk, controller) {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      if (lines.length) controller.enqueue(`${lines.map(change).join("\n")}\n`);
    },
    flush(controller) {
      if (partial) controller.enqueue(change(partial));
    },
  });
}
