/**
 * The runner's side of the job protocol, spoken through the Worker's own routes: what a
 * gpu-runner does over HTTP, so Worker tests can drive jobs without a runner process.
 */
import { and, eq } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { jobs } from "../src/db/schema";
import { signCallback } from "../src/protocol/jobs";
import { BASE, body, call, withDb } from "./helpers";

export const RUNNER_TOKEN = (env as unknown as { RUNNER_TOKEN: string }).RUNNER_TOKEN;

export async function heartbeat(hello: Record<string, unknown> = {}) {
  const response = await call("POST", "/internal/runners/heartbeat", {
    auth: RUNNER_TOKEN,
    json: { name: "test-runner", queues: ["cli-jobs", "cpu-jobs"], formats: ["onnx", "torchscript"], ...hello },
  });
  return body<{ runnerId: string }>(response);
}

export interface Claim {
  job: { id: string; kind: string; attempt: number; spec: Record<string, unknown> };
  leaseId: string;
  webhookUrl: string;
  webhookSecret: string;
  outputsUrl: string;
  inputs: Record<string, { name: string; size: number; url: string }>;
  env?: Record<string, string>;
}

export async function claim(jobId: string, runnerId: string) {
  const response = await call("POST", `/internal/jobs/${jobId}/claim`, { auth: RUNNER_TOKEN, json: { runnerId } });
  return { response, claim: response.ok ? await body<Claim>(response) : undefined };
}

let events = 0;

/** A signed callback; `timestamp` and `secret` can be forged by tests. */
export async function report(
  c: Claim,
  event: Record<string, unknown>,
  options: { timestamp?: number; secret?: string; eventId?: string } = {},
) {
  const payload = JSON.stringify({
    eventId: options.eventId ?? `e${events++}-${Date.now()}`,
    attempt: c.job.attempt,
    leaseId: c.leaseId,
    ...event,
  });
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = await signCallback(options.secret ?? c.webhookSecret, timestamp, payload);
  return call("POST", c.webhookUrl.replace(BASE, ""), {
    body: payload,
    headers: {
      "Content-Type": "application/json",
      "X-EdgeHub-Timestamp": String(timestamp),
      "X-EdgeHub-Signature": signature,
    },
  });
}

/** Asks for an output's signed URL(s): one `uploadUrl`, or `parts` for a file larger than one part. */
export async function signOutput(c: Claim, name: string, size: number, contentType = "application/octet-stream") {
  return call("POST", c.outputsUrl.replace(BASE, ""), {
    auth: RUNNER_TOKEN,
    json: { leaseId: c.leaseId, name, size, contentType },
  });
}

export function putSigned(url: string, data: Uint8Array, contentType = "application/octet-stream") {
  return call("PUT", url.replace(BASE, ""), {
    body: data,
    headers: { "Content-Type": contentType, "Content-Length": String(data.length) },
  });
}

export function completeOutput(c: Claim, json: Record<string, unknown>) {
  return call("POST", `${c.outputsUrl.replace(BASE, "")}/complete`, {
    auth: RUNNER_TOKEN,
    json: { leaseId: c.leaseId, ...json },
  });
}

/** Uploads one output file the way a runner does: sign, then PUT (part by part, then complete, when large). */
export async function uploadOutput(c: Claim, name: string, data: Uint8Array, contentType = "application/octet-stream") {
  const signed = await body(await signOutput(c, name, data.length, contentType));
  if (signed.uploadUrl) {
    const put = await putSigned(signed.uploadUrl, data, contentType);
    if (!put.ok) throw new Error(`output PUT: ${put.status} ${await put.text()}`);
  } else {
    const parts = [];
    for (const part of signed.parts as { partNumber: number; size: number; uploadUrl: string }[]) {
      const start = (part.partNumber - 1) * signed.partSize;
      const put = await putSigned(part.uploadUrl, data.subarray(start, start + part.size));
      if (!put.ok) throw new Error(`output part PUT: ${put.status} ${await put.text()}`);
      parts.push(await body(put));
    }
    const done = await completeOutput(c, { name, uploadId: signed.uploadId, size: data.length, parts });
    if (!done.ok) throw new Error(`output complete: ${done.status} ${await done.text()}`);
  }
  return { name, key: signed.key as string, size: data.length, contentType };
}

/** A .pt upload to a model through signed URLs, as clients do. */
export async function uploadWeights(auth: string, assetId: string, data: Uint8Array, filename = "best.pt") {
  const session = await body(
    await call("POST", "/api/upload/signed-url", {
      auth,
      json: {
        assetType: "models",
        assetId,
        filename,
        contentType: "application/octet-stream",
        totalBytes: data.length,
      },
    }),
  );
  await call("PUT", session.uploadUrl.replace(BASE, ""), {
    body: data,
    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(data.length) },
  });
  const done = await call("POST", "/api/upload/complete", { auth, json: { sessionId: session.sessionId } });
  if (!done.ok) throw new Error(`complete: ${await done.text()}`);
}

async function queuedPredictJob(modelId: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const [job] = await withDb((db) =>
      db
        .select()
        .from(jobs)
        .where(and(eq(jobs.modelId, modelId), eq(jobs.kind, "predict"), eq(jobs.status, "queued"))),
    );
    if (job) return job.id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no predict job was queued");
}

/** Plays the runner for the model's next predict job: `check` sees its inputs, then it answers `result` or fails. */
export async function serveOnePredict(
  modelId: string,
  outcome: { result?: Record<string, unknown>; error?: string },
  check: (inputs: {
    image: Uint8Array;
    modelName: string;
    spec: Record<string, unknown>;
  }) => void | Promise<void> = () => {},
) {
  const jobId = await queuedPredictJob(modelId);
  const { claim: c } = await claim(jobId, (await heartbeat({ queues: ["predict-jobs"] })).runnerId);
  const image = new Uint8Array(await (await call("GET", c!.inputs.image!.url.replace(BASE, ""))).arrayBuffer());
  await check({ image, modelName: c!.inputs.model!.name, spec: c!.job.spec });
  await report(c!, { type: "started" });
  if (outcome.error) await report(c!, { type: "failed", error: { message: outcome.error } });
  else await report(c!, { type: "completed", result: outcome.result });
}
