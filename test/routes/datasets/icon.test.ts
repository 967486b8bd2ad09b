import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../../helpers";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 5, 6, 7, 8]);

function iconForm(bytes: Uint8Array, type = "image/png") {
  const form = new FormData();
  form.append("file", new File([bytes], "icon.png", { type }));
  return form;
}

describe("dataset icons", () => {
  it("stores an icon (session only), shows it as iconImage, copies it for a clone, and removes it", async () => {
    const t = await newTenant("dicon");
    const { id, dataset } = await body(
      await call("POST", "/api/datasets", { auth: t.key, json: { name: "Iconic", visibility: "public" } }),
    );
    expect((await call("POST", `/api/datasets/${id}/icon`, { auth: t.key, body: iconForm(PNG) })).status).toBe(403);
    const refused = await call("POST", `/api/datasets/${id}/icon`, {
      auth: t.session,
      body: iconForm(PNG, "text/html"),
    });
    expect(refused.status).toBe(415);
    expect((await call("POST", `/api/datasets/${id}/icon`, { auth: t.session, body: iconForm(PNG) })).status).toBe(200);

    const detail = await body(await call("GET", `/api/datasets/${t.username}/${dataset}`));
    expect(detail.dataset.iconImage).toBe(`http://edgehub.test/api/datasets/${id}/icon`);
    const icon = await call("GET", `/api/datasets/${id}/icon`);
    expect(icon.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await icon.arrayBuffer())).toEqual(PNG);

    const copy = await body(
      await call("POST", `/api/datasets/${id}/clone`, { auth: t.session, json: { name: "Copy" } }),
    );
    expect((await call("DELETE", `/api/datasets/${id}/icon`, { auth: t.session })).status).toBe(200);
    expect((await call("GET", `/api/datasets/${id}/icon`)).status).toBe(404);
    expect((await body(await call("GET", `/api/datasets/${id}`, { auth: t.key }))).dataset.iconImage).toBeUndefined();
    // The clone's icon is its own copy: removing the original's leaves it.
    const copied = await call("GET", `/api/datasets/${copy.id}/icon`, { auth: t.key });
    expect(copied.status).toBe(200);
    expect(new Uint8Array(await copied.arrayBuffer())).toEqual(PNG);
  });
});
