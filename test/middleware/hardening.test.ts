import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { sessionConfigProblem } from "../../src/auth/session";
import { memberships } from "../../src/db/schema";
import { EXPORT_FAILED } from "../../src/routes/exports/presenter";
import { JOB_FAILED } from "../../src/services/jobs/reads";
import { BASE, body, call, newTenant, withDb } from "../helpers";
import { claim, heartbeat, report, uploadWeights } from "../runner-protocol";

const secret = new TextEncoder().encode(env.SESSION_JWT_SECRET!);

describe("sessions", () => {
  it("refuses a session token without an expiry", async () => {
    const t = await newTenant();
    const eternal = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(t.userId)
      .setIssuedAt()
      .sign(secret);
    const response = await call("GET", "/api/account/summary", { auth: eternal });
    expect(response.status).toBe(401);
    expect((await call("GET", "/api/account/summary", { auth: t.session })).status).toBe(200);
  });

  it("calls a JWKS without issuer and audience a configuration that cannot run", () => {
    expect(sessionConfigProblem({ SESSION_JWKS_URL: "https://idp.example/jwks" } as never)).toMatch(
      /SESSION_ISSUER and SESSION_AUDIENCE/,
    );
    expect(
      sessionConfigProblem({
        SESSION_JWKS_URL: "https://idp.example/jwks",
        SESSION_ISSUER: "https://idp.example",
        SESSION_AUDIENCE: "edgehub",
      } as never),
    ).toBeUndefined();
    expect(sessionConfigProblem({ SESSION_JWT_SECRET: "x" } as never)).toBeUndefined();
  });

  it("refuses a cookie-authenticated write from another origin (or none), and takes one from its own", async () => {
    const t = await newTenant();
    const post = (headers: Record<string, string>) =>
      call("POST", "/api/projects", {
        json: { project: `p-${crypto.randomUUID().slice(0, 8)}` },
        headers: { Cookie: `edgehub_session=${t.session}`, ...headers },
      });
    for (const headers of [{}, { Origin: "https://evil.example" }, { Origin: "null" }] as Record<string, string>[]) {
      const refused = await post(headers);
      expect(refused.status).toBe(403);
      expect((await body(refused)).error).toMatch(/Origin/);
    }
    expect((await post({ Origin: new URL(BASE).origin })).status).toBe(201);
    // Reads and Bearer sessions need no Origin: a page of another site cannot set the header.
    expect((await call("GET", "/api/projects", { headers: { Cookie: `edgehub_session=${t.session}` } })).status).toBe(
      200,
    );
    expect((await call("POST", "/api/projects", { auth: t.session, json: { project: "bearer-ok" } })).status).toBe(201);
  });
});

describe("headers", () => {
  it("takes the client address from cf-connecting-ip only: x-real-ip does not make a fresh bucket", async () => {
    const anonymous = (headers: Record<string, string>) =>
      exports.default.fetch(new Request(`${BASE}/api/health`, { headers }));
    const first = await anonymous({ "x-real-ip": `192.0.2.${Math.floor(Math.random() * 250)}` });
    const second = await anonymous({ "x-real-ip": `192.0.2.${Math.floor(Math.random() * 250)}` });
    expect(
      Number(first.headers.get("X-RateLimit-Remaining")) - Number(second.headers.get("X-RateLimit-Remaining")),
    ).toBe(1);
  });

  it("sends no Server-Timing or Timing-Allow-Origin unless DEBUG_TIMING is on, and nosniff on every answer", async () => {
    const t = await newTenant();
    for (const path of ["/api/health", "/api/projects/nobody-here/missing", `/api/projects/${t.username}`]) {
      const response = await call("GET", path, { auth: t.key });
      expect(response.headers.get("Server-Timing"), path).toBeNull();
      expect(response.headers.get("Timing-Allow-Origin"), path).toBeNull();
      expect(response.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
    }
  });

  it("serves a user's file as an attachment that is not sniffed or run", async () => {
    const t = await newTenant();
    const project = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: "files" } }));
    const model = await body(
      await call("POST", "/api/models", { auth: t.key, json: { projectId: project.id, model: "m" } }),
    );
    await uploadWeights(t.key, model.id, new TextEncoder().encode("<script>alert(1)</script>"), "best.onnx");
    const files = await body(await call("GET", `/api/models/${model.id}/files`, { auth: t.key }));
    const url = JSON.stringify(files).match(/"(http[^"]+\/api\/files\/[^"]+)"/)![1]!;
    const file = await call("GET", url.replace(BASE, ""));
    expect(file.status).toBe(200);
    expect(file.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(file.headers.get("Content-Disposition")).toMatch(/^attachment; filename="best\.onnx"$/);
    expect(file.headers.get("Content-Security-Policy")).toContain("sandbox");
  });
});

describe("errors from the runner", () => {
  it("shows a failed export's raw error to the model's editors only; the public sees a stable message", async () => {
    const t = await newTenant();
    const project = await body(
      await call("POST", "/api/projects", { auth: t.key, json: { project: "public-zoo", visibility: "public" } }),
    );
    const model = await body(
      await call("POST", "/api/models", {
        auth: t.key,
        json: { projectId: project.id, model: "famous", visibility: "public" },
      }),
    );
    await uploadWeights(t.key, model.id, new Uint8Array(64), "best.pt");
    const created = await body(
      await call("POST", "/api/exports", { auth: t.key, json: { modelId: model.id, format: "onnx" } }),
    );
    const queued = (await body(await call("GET", `/api/exports/${created.id}`, { auth: t.key }))).export;
    const { claim: c } = await claim(queued.jobId, (await heartbeat()).runnerId);
    await report(c!, { type: "started" });
    const raw = "Traceback: File /srv/runner/jobs/job_x/best.pt, line 1: RUNNER_WORK_DIR=/srv/runner";
    await report(c!, { type: "failed", error: { message: raw } });

    const path = `/api/models/${t.username}/public-zoo/famous/exports`;
    const outsider = await newTenant();
    for (const auth of [undefined, outsider.key]) {
      const seen = (await body(await call("GET", path, { auth }))).exports[0];
      expect(seen.error.message).toBe(EXPORT_FAILED);
      expect(JSON.stringify(seen)).not.toContain("/srv/runner");
    }
    expect((await body(await call("GET", path, { auth: t.key }))).exports[0].error.message).toBe(raw);
    // The job itself: its workspace's viewers see that it failed, its editors why.
    const viewer = await newTenant("viewer");
    await withDb((db) =>
      db.insert(memberships).values({ workspaceId: t.workspaceId, userId: viewer.userId, role: "viewer" }),
    );
    expect(
      (await body(await call("GET", `/api/jobs/${queued.jobId}`, { auth: viewer.session }))).job.error.message,
    ).toBe(JOB_FAILED);
    expect((await body(await call("GET", `/api/jobs/${queued.jobId}`, { auth: t.key }))).job.error.message).toBe(raw);
  });
});
