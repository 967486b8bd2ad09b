import { describe, expect, it } from "vitest";
import { memberships } from "../../../src/db/schema";
import { body, call, newTenant, withDb } from "../../helpers";

async function createProject(auth: string, json: Record<string, unknown>) {
  return body(await call("POST", "/api/projects", { auth, json }));
}

describe("GET /api/projects/{owner}/{project} and /api/projects/{projectId}", () => {
  it("answers the contract's ProjectDetailResponse by owner/slug, without the docs' aliases", async () => {
    const t = await newTenant();
    await createProject(t.key, { project: "vision", name: "Vision", metadata: { camera: "line-4" }, tags: ["qa"] });
    const response = await call("GET", `/api/projects/${t.username}/vision`, { auth: t.key });
    expect(response.status).toBe(200);
    const detail = await body(response);
    expect(detail.isOwner).toBe(true);
    expect(detail.models).toEqual([]);
    expect(detail.project).toMatchObject({
      owner: t.username,
      project: "vision",
      name: "Vision",
      visibility: "private",
      metadata: { camera: "line-4" },
      tags: ["qa"],
      isStarred: false,
    });
    expect(detail.project._id).toBeUndefined();
  });

  it("reaches the same project by id and adds the alias fields _id, slug, username", async () => {
    const t = await newTenant();
    const { id } = await createProject(t.key, { project: "by-id" });
    const detail = await body(await call("GET", `/api/projects/${id}`, { auth: t.key }));
    expect(detail.project).toMatchObject({
      id,
      _id: id,
      project: "by-id",
      slug: "by-id",
      owner: t.username,
      username: t.username,
    });
  });

  it("answers 404 to an outsider for a private project, in both path forms", async () => {
    const owner = await newTenant();
    const outsider = await newTenant();
    const { id } = await createProject(owner.key, { project: "secret" });
    for (const path of [`/api/projects/${owner.username}/secret`, `/api/projects/${id}`]) {
      const response = await call("GET", path, { auth: outsider.key });
      expect(response.status).toBe(404);
      expect(await body(response)).toEqual({ error: "Project not found", code: "NOT_FOUND" });
      expect((await call("GET", path)).status).toBe(404);
    }
  });

  it("lets anyone, even anonymous, read a public project", async () => {
    const owner = await newTenant();
    await createProject(owner.key, { project: "open", visibility: "public" });
    const anonymous = await call("GET", `/api/projects/${owner.username}/open`);
    expect(anonymous.status).toBe(200);
    expect((await body(anonymous)).isOwner).toBe(false);
  });

  it("counts and lists all live models for the owner, only the public ones for others", async () => {
    const owner = await newTenant();
    const outsider = await newTenant();
    const { id: projectId } = await createProject(owner.key, { project: "mixed", visibility: "public" });
    for (const [model, visibility] of [
      ["open-a", "public"],
      ["hidden", "private"],
      ["open-b", "public"],
      ["binned", "public"],
    ]) {
      expect(
        (await call("POST", "/api/models", { auth: owner.key, json: { projectId, model, visibility } })).status,
      ).toBe(201);
    }
    expect((await call("DELETE", `/api/models/${owner.username}/mixed/binned`, { auth: owner.key })).status).toBe(200);

    const own = await body(await call("GET", `/api/projects/${projectId}`, { auth: owner.key }));
    expect(own.project).toMatchObject({ modelCount: 3, modelNames: ["open-b", "hidden", "open-a"] });
    expect(own.models.map((m: { model: string }) => m.model)).toEqual(["open-b", "hidden", "open-a"]);
    const listed = await body(await call("GET", `/api/projects/${owner.username}`, { auth: owner.key }));
    expect(listed.projects[0]).toMatchObject({
      project: "mixed",
      modelCount: 3,
      modelNames: ["open-b", "hidden", "open-a"],
    });

    for (const auth of [outsider.key, undefined]) {
      const seen = await body(await call("GET", `/api/projects/${owner.username}/mixed`, { auth }));
      expect(seen.project).toMatchObject({ modelCount: 2, modelNames: ["open-b", "open-a"] });
      expect(seen.models.map((m: { model: string }) => m.model)).toEqual(["open-b", "open-a"]);
      const list = await body(await call("GET", `/api/projects/${owner.username}`, { auth }));
      expect(list.projects[0]).toMatchObject({ project: "mixed", modelCount: 2, modelNames: ["open-b", "open-a"] });
    }
  });

  it("counts each model's epochs without loading its training results, which only fields=charts returns", async () => {
    const t = await newTenant();
    const { id: projectId } = await createProject(t.key, { project: "trained" });
    const trainResults = [1, 2, 3].map((epoch) => ({
      epoch,
      fitness: epoch / 10,
      metrics: { "metrics/mAP50(B)": epoch / 4 },
    }));
    await call("POST", "/api/models", { auth: t.key, json: { projectId, model: "three-epochs", trainResults } });
    await call("POST", "/api/models", { auth: t.key, json: { projectId, model: "untrained" } });

    const detail = await body(await call("GET", `/api/projects/${projectId}`, { auth: t.key }));
    expect(detail.models.map((m: { model: string; epochCount: number }) => [m.model, m.epochCount])).toEqual([
      ["untrained", 0],
      ["three-epochs", 3],
    ]);
    expect(JSON.stringify(detail)).not.toContain("trainResults");

    const plain = await body(await call("GET", `/api/models?projectId=${projectId}`, { auth: t.key }));
    expect(plain.models.every((m: object) => !("trainResults" in m))).toBe(true);
    const charts = await body(await call("GET", `/api/models?projectId=${projectId}&fields=charts`, { auth: t.key }));
    expect(charts.models.find((m: { model: string }) => m.model === "three-epochs").trainResults).toEqual(trainResults);
  });

  it("answers reads of every shape at once, each with its own project and star (the statement is rendered once, bound per request)", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const projectOf = await Promise.all(
      [a, b].map((t) => createProject(t.key, { project: "shared-shape", visibility: "public" })),
    );
    await call("PATCH", `/api/projects/${projectOf[0]!.id}`, { auth: a.key, json: { starred: true } });
    const reads = [a, b, a, b].flatMap((t, i) => {
      const id = projectOf[i % 2]!.id as string;
      return [
        { auth: t.key, path: `/api/projects/${id}`, id, starred: i % 2 === 0 },
        { auth: t.key, path: `/api/projects/${t.username}/shared-shape`, id, starred: i % 2 === 0 },
        { auth: undefined, path: `/api/projects/${id}`, id, starred: false },
        { auth: undefined, path: `/api/projects/${t.username}/shared-shape`, id, starred: false },
      ];
    });
    const answers = await Promise.all(
      reads.map(async (read) => ({ read, detail: await body(await call("GET", read.path, { auth: read.auth })) })),
    );
    for (const { read, detail } of answers)
      expect(detail.project).toMatchObject({ id: read.id, isStarred: read.starred });
  });

  it("answers 400 for an invalid owner and 404 for an unknown project", async () => {
    const t = await newTenant();
    expect((await call("GET", `/api/projects/AB/x`, { auth: t.key })).status).toBe(400);
    expect((await call("GET", `/api/projects/${t.username}/nope`, { auth: t.key })).status).toBe(404);
    expect((await call("GET", `/api/projects/prj_${"0".repeat(20)}`, { auth: t.key })).status).toBe(404);
  });
});

describe("GET /api/projects and /api/projects/{owner}", () => {
  it("lists the caller's projects newest first with the total, honouring limit", async () => {
    const t = await newTenant();
    for (const name of ["a1", "a2", "a3"]) await createProject(t.key, { project: name });
    const page = await body(await call("GET", `/api/projects/${t.username}?limit=2`, { auth: t.key }));
    expect(page.total).toBe(3);
    expect(page.projects.map((p: { project: string }) => p.project)).toEqual(["a3", "a2"]);
    expect(page.region).toBe("us");
    const docs = await body(await call("GET", "/api/projects", { auth: t.key }));
    expect(docs.total).toBe(3);
    expect(docs.projects[0]).toMatchObject({ _id: docs.projects[0].id, slug: "a3", username: t.username });
  });

  it("shows others only the public projects, and names the owner by username or owner", async () => {
    const owner = await newTenant();
    const other = await newTenant();
    await createProject(owner.key, { project: "pub", visibility: "public" });
    await createProject(owner.key, { project: "priv" });
    for (const query of [`username=${owner.username}`, `owner=${owner.username}`]) {
      const seen = await body(await call("GET", `/api/projects?${query}`, { auth: other.key }));
      expect(seen.projects.map((p: { project: string }) => p.project)).toEqual(["pub"]);
      expect(seen.total).toBe(1);
    }
    const anonymous = await body(await call("GET", `/api/projects/${owner.username}`));
    expect(anonymous.total).toBe(1);
  });

  it("lists a team's private projects to a member's browser session only, never to the member's API key or to anyone else", async () => {
    const team = await newTenant();
    const member = await newTenant();
    await withDb((db) =>
      db.insert(memberships).values({ workspaceId: team.workspaceId, userId: member.userId, role: "viewer" }),
    );
    await createProject(team.key, { project: "team-private" });
    const { id: publicId } = await createProject(team.key, { project: "team-public", visibility: "public" });
    await call("PATCH", `/api/projects/${publicId}`, { auth: member.session, json: { starred: true } });
    const listed = async (auth?: string) => {
      const list = await body(await call("GET", `/api/projects?username=${team.username}`, { auth }));
      return list.projects
        .map((p: { project: string; isStarred: boolean }) => `${p.project}${p.isStarred ? "*" : ""}`)
        .sort();
    };
    expect(await listed(member.session)).toEqual(["team-private", "team-public*"]);
    expect(await listed(member.key)).toEqual(["team-public*"]);
    expect(await listed(undefined)).toEqual(["team-public"]);
    expect(await listed((await newTenant()).key)).toEqual(["team-public"]);
    expect(await listed(team.key)).toEqual(["team-private", "team-public"]);
  });

  it("answers 404 for an unknown owner, 401 for an anonymous list without owner, 400 for a bad limit", async () => {
    const t = await newTenant();
    expect((await call("GET", "/api/projects/no-such-owner-here", { auth: t.key })).status).toBe(404);
    expect((await call("GET", "/api/projects")).status).toBe(401);
    for (const limit of ["0", "-1", "abc", "501"]) {
      const response = await call("GET", `/api/projects?limit=${limit}`, { auth: t.key });
      expect(response.status).toBe(400);
      expect((await body(response)).error).toContain("limit");
    }
  });
});
