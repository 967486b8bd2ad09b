import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobs } from "../../../src/db/schema";
import { BASE, body, call, newTenant, withDb, type Tenant } from "../../helpers";
import { ingestPictures } from "../../ingest-protocol";
import { claim, heartbeat, report, RUNNER_TOKEN, uploadOutput, type Claim } from "../../runner-protocol";

/** NDJSON_RUNNER_FROM is 30 in the test configuration: this dataset's files are a runner's to write. */
const LARGE = 30;

async function largeDataset(t: Tenant) {
  const created = await body(
    await call("POST", "/api/datasets", { auth: t.key, json: { name: `Large ${crypto.randomUUID().slice(0, 8)}` } }),
  );
  const pictures = Array.from({ length: LARGE }, (_, i) => ({ name: `${i}.jpg` }));
  await ingestPictures(t.key, created.id, pictures);
  return created.id as string;
}

async function unfinishedBuild(key: string) {
  const [job] = await withDb((db) =>
    db
      .select()
      .from(jobs)
      .where(and(eq(jobs.kind, "ndjson"), eq(jobs.status, "queued"), sql`${jobs.spec}->>'key' = ${key}`)),
  );
  return job;
}

/** Plays the runner's ndjson executor: reads the pages, uploads the file, completes. */
async function buildAsRunner(jobId: string) {
  const { claim: c } = await claim(jobId, (await heartbeat({ queues: ["cpu-jobs"] })).runnerId);
  await report(c!, { type: "started" });
  let text = "";
  for (let after: string | null = ""; after !== null; ) {
    const page: { text: string; next: string | null } = await body(await pageOf(c!, after));
    text += page.text;
    after = page.next;
  }
  const output = await uploadOutput(c!, "large.ndjson", new TextEncoder().encode(text), "application/x-ndjson");
  const done = await report(c!, { type: "completed", outputs: [output], result: {} });
  expect(done.status, await done.clone().text()).toBe(200);
  return { text, key: output.key };
}

const pageOf = (c: Claim, after: string) =>
  call("POST", `/internal/jobs/${c.job.id}/ndjson`, { auth: RUNNER_TOKEN, json: { leaseId: c.leaseId, after } });

describe("NDJSON built on a runner", () => {
  it("makes a large version's file on a runner: 409 until it is written, then the runner's file", async () => {
    const t = await newTenant("big");
    const id = await largeDataset(t);
    const made = await body(await call("POST", `/api/datasets/${id}/export`, { auth: t.key, json: {} }));
    expect(made).toMatchObject({ version: 1, reused: false });
    const early = await call("GET", made.downloadUrl.replace(BASE, ""));
    expect(early.status).toBe(409);
    expect(early.headers.get("Retry-After")).toBe("10");
    const waiting = await call("GET", `/api/datasets/${id}/export?v=1`, { auth: t.key });
    expect(waiting.status).toBe(409);
    expect((await body(waiting)).error).toMatch(/being built by a runner/);

    const job = await unfinishedBuild(`datasets/${id}/versions/1.ndjson`);
    expect(job).toBeDefined();
    const { text, key } = await buildAsRunner(job!.id);
    const lines = text.trim().split("\n");
    expect(lines).toHaveLength(LARGE + 1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: "dataset", task: "detect" });
    expect(key.startsWith(`datasets/${id}/builds/${job!.id}/1/`)).toBe(true);

    // The link made before the build and a new one both serve the runner's file, URLs filled in.
    for (const url of [
      made.downloadUrl,
      (await body(await call("GET", `/api/datasets/${id}/export?v=1`, { auth: t.key }))).downloadUrl,
    ]) {
      const served = await call("GET", url.replace(BASE, ""));
      expect(served.status).toBe(200);
      const lines = (await served.text()).trim().split("\n");
      expect(lines).toHaveLength(LARGE + 1);
      expect(JSON.parse(lines[1]!).url).toMatch(/^http:\/\/edgehub\.test\/api\/dataset-images\//);
    }
    const storage = await body(await call("GET", "/api/storage", { auth: t.key }));
    expect(JSON.stringify(storage)).toContain("datasets");
  });

  it("builds the live export on a runner once per change, and refuses pages to anyone but the lease holder", async () => {
    const t = await newTenant("big-live");
    const id = await largeDataset(t);
    const first = await call("GET", `/api/datasets/${id}/export`, { auth: t.key });
    expect(first.status).toBe(409);
    const again = await call("GET", `/api/datasets/${id}/export`, { auth: t.key });
    expect((await body(again)).error).toBe((await body(first)).error); // the same job, not a second
    const job = await unfinishedBuild(`datasets/${id}/export.ndjson`);
    const { claim: c } = await claim(job!.id, (await heartbeat({ queues: ["cpu-jobs"] })).runnerId);
    const stranger = await call("POST", `/internal/jobs/${job!.id}/ndjson`, {
      auth: RUNNER_TOKEN,
      json: { leaseId: "not-the-lease", after: "" },
    });
    expect(stranger.status).toBe(409);
    const noToken = await call("POST", `/internal/jobs/${job!.id}/ndjson`, {
      json: { leaseId: c!.leaseId, after: "" },
    });
    expect(noToken.status).toBe(401);
    await report(c!, { type: "failed", error: { message: "runner went away" } });

    // The failed build is replaced by a new one on the next request.
    expect((await call("GET", `/api/datasets/${id}/export`, { auth: t.key })).status).toBe(409);
    const retry = await unfinishedBuild(`datasets/${id}/export.ndjson`);
    expect(retry!.id).not.toBe(job!.id);
    await buildAsRunner(retry!.id);
    const ready = await body(await call("GET", `/api/datasets/${id}/export`, { auth: t.key }));
    expect(ready.cached).toBe(true);
    const served = await call("GET", ready.downloadUrl.replace(BASE, ""));
    expect((await served.text()).trim().split("\n")).toHaveLength(LARGE + 1);
  });
});
