import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../../helpers";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

function iconForm(bytes: Uint8Array, type = "image/png") {
  const form = new FormData();
  form.append("file", new File([bytes], "icon.png", { type }));
  return form;
}

describe("project icons", () => {
  it("stores an icon (session only), serves it, and removes it", async () => {
    const t = await newTenant();
    const { id } = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: "iconic" } }));
    expect((await call("POST", `/api/projects/${id}/icon`, { auth: t.key, body: iconForm(PNG) })).status).toBe(403);

    const stored = await call("POST", `/api/projects/${id}/icon`, { auth: t.session, body: iconForm(PNG) });
    expect(stored.status).toBe(200);
    const detail = await body(await call("GET", `/api/projects/${id}`, { auth: t.key }));
    expect(detail.project.iconImage).toBe(`http://edgehub.test/api/projects/${id}/icon`);

    const icon = await call("GET", `/api/projects/${id}/icon`, { auth: t.key });
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await icon.arrayBuffer())).toEqual(PNG);
    expect((await call("GET", `/api/projects/${id}/icon`)).status).toBe(404); // private project, anonymous

    expect((await call("DELETE", `/api/projects/${id}/icon`, { auth: t.session })).status).toBe(200);
    expect((await call("GET", `/api/projects/${id}/icon`, { auth: t.key })).status).toBe(404);
  });

  it("refuses non-images with 415 and changes nothing", async () => {
    const t = await newTenant();
    const { id } = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: "plain" } }));
    const response = await call("POST", `/api/projects/${id}/icon`, {
      auth: t.session,
      body: iconForm(PNG, "text/html"),
    });
    expect(response.status).toBe(415);
    expect((await body(await call("GET", `/api/projects/${id}`, { auth: t.key }))).project.iconImage).toBeUndefined();
  });
});
