import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../../helpers";

describe("PATCH /api/projects/{projectId} and /api/projects/{owner}/{project}", () => {
  it("updates fields and, per the contract, renames the URL name with the display name", async () => {
    const t = await newTenant();
    const { id } = await body(
      await call("POST", "/api/projects", { auth: t.key, json: { project: "old", name: "Old" } }),
    );
    const response = await call("PATCH", `/api/projects/${t.username}/old`, {
      auth: t.key,
      json: { name: "New Name", description: "d", visibility: "public", license: "MIT" },
    });
    expect(response.status).toBe(200);
    expect(await body(response)).toEqual({ success: true, project: "new-name" });
    const detail = await body(await call("GET", `/api/projects/${id}`, { auth: t.key }));
    expect(detail.project).toMatchObject({
      name: "New Name",
      project: "new-name",
      description: "d",
      visibility: "public",
      license: "MIT",
    });
  });

  it("answers 409 when the new name is taken, and keeps the project as it was", async () => {
    const t = await newTenant();
    await call("POST", "/api/projects", { auth: t.key, json: { project: "taken" } });
    const { id } = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: "mine" } }));
    const response = await call("PATCH", `/api/projects/${id}`, { auth: t.key, json: { slug: "taken" } });
    expect(response.status).toBe(409);
    expect((await body(await call("GET", `/api/projects/${id}`, { auth: t.key }))).project.project).toBe("mine");
  });

  it("stars and unstars with {starred} alone, for any reader of a public project", async () => {
    const owner = await newTenant();
    const fan = await newTenant();
    await call("POST", "/api/projects", { auth: owner.key, json: { project: "starry", visibility: "public" } });
    const starred = await call("PATCH", `/api/projects/${owner.username}/starry`, {
      auth: fan.key,
      json: { starred: true },
    });
    expect(await body(starred)).toEqual({ starred: true, starCount: 1 });
    const twice = await call("PATCH", `/api/projects/${owner.username}/starry`, {
      auth: fan.key,
      json: { starred: true },
    });
    expect(await body(twice)).toEqual({ starred: true, starCount: 1 });
    const seen = await body(await call("GET", `/api/projects/${owner.username}/starry`, { auth: fan.key }));
    expect(seen.project).toMatchObject({ isStarred: true, starCount: 1 });
    expect(
      await body(
        await call("PATCH", `/api/projects/${owner.username}/starry`, { auth: fan.key, json: { starred: false } }),
      ),
    ).toEqual({ starred: false, starCount: 0 });
  });

  it("answers 403 to a reader who may not edit a public project, 404 for a private one", async () => {
    const owner = await newTenant();
    const outsider = await newTenant();
    await call("POST", "/api/projects", { auth: owner.key, json: { project: "pub", visibility: "public" } });
    await call("POST", "/api/projects", { auth: owner.key, json: { project: "priv" } });
    expect(
      (await call("PATCH", `/api/projects/${owner.username}/pub`, { auth: outsider.key, json: { name: "Hacked" } }))
        .status,
    ).toBe(403);
    expect(
      (await call("PATCH", `/api/projects/${owner.username}/priv`, { auth: outsider.key, json: { name: "Hacked" } }))
        .status,
    ).toBe(404);
    expect(
      (await body(await call("GET", `/api/projects/${owner.username}/pub`, { auth: owner.key }))).project.name,
    ).toBe("pub");
  });

  it("answers 400 naming the field for bad input and changes nothing", async () => {
    const t = await newTenant();
    await call("POST", "/api/projects", { auth: t.key, json: { project: "keep", name: "Keep" } });
    for (const [json, field] of [
      [{ name: "" }, "name"],
      [{ visibility: 1 }, "visibility"],
      [{ viewPreferences: { sortBy: "sideways" } }, "viewPreferences"],
      [{ metadata: { ["k".repeat(129)]: 1 } }, "metadata"],
      [{ iconLetter: "abc" }, "iconLetter"],
    ] as const) {
      const response = await call("PATCH", `/api/projects/${t.username}/keep`, { auth: t.key, json });
      expect(response.status).toBe(400);
      expect((await body(response)).error).toContain(field);
    }
    expect((await body(await call("GET", `/api/projects/${t.username}/keep`, { auth: t.key }))).project.name).toBe(
      "Keep",
    );
  });
});
