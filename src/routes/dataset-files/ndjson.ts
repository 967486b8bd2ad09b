import { createRoute, z } from "@hono/zod-openapi";
import type { AppHandler, Deps } from "../../context";
import { errorResponses } from "../../errors";
import { openNdjson, SET_URL_SECONDS } from "../../services/dataset-versions";
import { IMAGE_BASE, SET_TOKEN } from "../../services/ndjson";
import { servedFileHeaders } from "../../storage/served-file";
import { signTransfer, verifyTransfer } from "../../storage/signed-url";

const NameParam = z
  .string()
  .min(1)
  .max(300)
  .openapi({ param: { name: "name", in: "path" } });

/**
 * The link GET .../export answers: the token in the path, so that the URL ends in `.ndjson`, which
 * is how the ultralytics trainer tells an NDJSON dataset (`yolo train data=<url>`, a HUB model's data).
 */
export const ndjsonRoute = createRoute({
  method: "get",
  path: "/api/dataset-exports/{token}/{name}",
  operationId: "get_api_dataset_exports_token_name",
  tags: ["Files"],
  summary: "Download a dataset's NDJSON by signed URL",
  description:
    "The link GET .../export answers (409 while a runner is still writing it). Each image's URL in it is signed for a week, for this version (or this export) and its pictures only.",
  security: [],
  request: {
    params: z.object({
      token: z
        .string()
        .min(1)
        .max(2000)
        .openapi({ param: { name: "token", in: "path" } }),
      name: NameParam,
    }),
  },
  responses: { 200: { description: "The NDJSON" }, ...errorResponses(401, 403, 404, 409) },
});

/** The earlier form of the link, the token in the query; links made before still work until they expire. */
export const ndjsonQueryRoute = createRoute({
  method: "get",
  path: "/api/dataset-exports/{name}",
  operationId: "get_api_dataset_exports_name",
  tags: ["Files"],
  summary: "Download a dataset's NDJSON by signed URL (token in the query)",
  description: "As GET /api/dataset-exports/{token}/{name}, with the token in the query.",
  security: [],
  request: { params: z.object({ name: NameParam }), query: z.object({ token: z.string().optional() }) },
  responses: { 200: { description: "The NDJSON" }, ...errorResponses(401, 403, 404, 409) },
});

export const handleNdjson: AppHandler<typeof ndjsonRoute> = async (c) =>
  serveNdjson(c.var.deps, c.env.SIGNING_SECRET, c.req.valid("param").token);

export const handleNdjsonQuery: AppHandler<typeof ndjsonQueryRoute> = async (c) =>
  serveNdjson(c.var.deps, c.env.SIGNING_SECRET, c.req.valid("query").token);

async function serveNdjson(deps: Deps, secret: string, token: string | undefined): Promise<Response> {
  const claims = await verifyTransfer(secret, token, "ndjson");
  const object = await openNdjson(deps, claims.key, claims.set);
  const expiresAt = new Date(deps.now().getTime() + SET_URL_SECONDS * 1000);
  const setToken = await signTransfer(secret, { op: "set-image", set: claims.set }, expiresAt);
  const base = `${deps.baseUrl}/api/dataset-images`;
  const body = object.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(byLine((line) => line.replaceAll(IMAGE_BASE, base).replaceAll(SET_TOKEN, setToken)))
    .pipeThrough(new TextEncoderStream());
  const headers = servedFileHeaders(new Headers({ "Content-Type": "application/x-ndjson" }), "attachment", claims.name);
  return new Response(body, { status: 200, headers });
}

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
