import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { getJob } from "../../services/jobs/reads";
import { json } from "../common/schemas";
import { toJob } from "./presenter";
import { JobIdParams, JobResponse } from "./schemas";

export const getJobRoute = createRoute({
  method: "get",
  path: "/api/jobs/{jobId}",
  operationId: "get_api_jobs_jobId",
  tags: ["Jobs"],
  summary: "Get a job",
  description:
    "Status, progress, result, error and metrics of one of your jobs (exports, predictions, inspections). A queued job says why it waits when no live runner can take it.",
  request: { params: JobIdParams },
  responses: { 200: json(JobResponse, "The job"), ...errorResponses(400, 401, 404, 429) },
});

export const handleGetJob: AppHandler<typeof getJobRoute> = async (c) =>
  c.json({ job: toJob(await getJob(c.var.deps, c.var.actor, c.req.valid("param").jobId)) }, 200);
