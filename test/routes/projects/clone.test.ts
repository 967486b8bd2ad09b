import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../../helpers";

describe("POST /api/projects/{...}/clone", () => {
  it("is browser-session only: an API key gets 403", async () => {
    const t = await newTenant();
    const { id } = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: "src" } }));
    const response = await call("POST", `/api/projects/${id}/clone`, { auth: t.key, json: {} });
    expect(response.status).toBe(403);
    expect(await body(response)).toMatchObject({ code: "FORBIDDEN" });
  });

  it("copies a public project into the caller's workspace, private by default, and counts the clone", async () => {
    const owner = await newTenant();
    const cloner = await newTenant();
    await call("POST", "/api/projects", {
      auth: owner.key,
      json: { project: "shared", name: "Shared", visibility: "public", tags: ["a"] },
    });
    const response = await call("POST", `/api/projects/${owner.username}/shared/clone`, {
      auth: cloner.session,
      json: {},
    });
    expect(response.status).toBe(201);
    const clone = await body(response);
    expect(clone).toMatchObject({
      owner: cloner.username,
      project: "shared",
      name: "Shared",
      modelCount: 0,
      region: "us",
    });
    const again = await body(
      await call("POST", `/api/projects/${owner.username}/shared/clone`, { auth: cloner.session }),
    );
    expect(again.project).toBe("shared-2");
    const copy = await body(await call("GET", `/api/projects/${clone.id}`, { auth: cloner.key }));
    expect(copy.project).toMatchObject({
      visibility: "private",
      tags: ["a"],
      clonedFrom: expect.stringMatching(/^prj_/),
    });
    const source = await body(await call("GET", `/api/projects/${owner.username}/shared`, { auth: owner.key }));
    expect(source.project.cloneCount).toBe(2);
  });

  it("answers 404 for another user's private project", async () => {
    const owner = await newTenant();
    const cloner = await newTenant();
    await call("POST", "/api/projects", { auth: owner.key, json: { project: "hidden" } });
    expect(
      (await call("POST", `/api/projects/${owner.username}/hidden/clone`, { auth: cloner.session, json: {} })).status,
    ).toBe(404);
  });
});
