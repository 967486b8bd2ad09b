import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { NdjsonPageRequest, NdjsonPageResponse } from "../../protocol/ndjson";
import { pageForRunner } from "../../services/jobs/ndjson-build";
import { json, jsonBody } from "../common/schemas";
import { JobIdParams } from "../jobs/schemas";
import { RUNNER_SECURITY } from "./security";

export const ndjsonPageRoute = createRoute({
  method: "post",
  path: "/internal/jobs/{jobId}/ndjson",
  operationId: "post_internal_jobs_jobId_ndjson",
  tags: ["Runners"],
  summary: "Read a page of a dataset's NDJSON",
  description:
    "An ndjson job's lease holder reads the file it builds page by page: whole lines after image id `after` (the dataset record first when `after` is empty), and where the next page starts.",
  security: RUNNER_SECURITY,
  request: { params: JobIdParams, body: jsonBody(NdjsonPageRequest) },
  responses: { 200: json(NdjsonPageResponse, "A page"), ...errorResponses(400, 401, 404, 409) },
});

export const handleNdjsonPage: AppHandler<typeof ndjsonPageRoute> = async (c) =>
  c.json(await pageForRunner(c.var.deps, c.req.valid("param").jobId, c.req.valid("json")), 200);
