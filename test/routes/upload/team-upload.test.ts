import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, models } from "../../../src/db/schema";
import { BASE, body, call, newTenant, withDb } from "../../helpers";

/** A team (a tenant whose workspace others join) with a private project, and an editor in it. */
async function teamWithEditor() {
  const team = await newTenant("team");
  const editor = await newTenant("ed");
  await withDb((db) =>
    db.insert(memberships).values({ workspaceId: team.workspaceId, userId: editor.userId, role: "editor" }),
  );
  const project = await body(await call("POST", "/api/projects", { auth: team.key, json: { project: "shared" } }));
  return { team, editor, projectId: project.id as string };
}

async function startUpload(session: string, projectId: string, data: Uint8Array) {
  const signed = await body(
    await call("POST", "/api/upload/signed-url", {
      auth: session,
      json: {
        assetType: "models",
        assetId: projectId,
        filename: "best.onnx",
        contentType: "application/octet-stream",
        totalBytes: data.length,
      },
    }),
  );
  expect(signed.sessionId).toBeDefined();
  const put = await call("PUT", signed.uploadUrl.replace(BASE, ""), {
    body: data,
    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(data.length) },
  });
  expect(put.status).toBe(200);
  return signed.sessionId as string;
}

async function modelsIn(projectId: string) {
  return withDb((db) =>
    db.select({ id: models.id, workspaceId: models.workspaceId }).from(models).where(eq(models.projectId, projectId)),
  );
}

describe("POST /api/upload/complete into a team's project", () => {
  it("makes the model in the team's workspace, not the uploader's", async () => {
    const { team, editor, projectId } = await teamWithEditor();
    const sessionId = await startUpload(editor.session, projectId, new Uint8Array([8, 1, 2]));
    expect((await call("POST", "/api/upload/complete", { auth: editor.session, json: { sessionId } })).status).toBe(
      200,
    );
    expect(await modelsIn(projectId)).toEqual([{ id: expect.stringMatching(/^mdl_/), workspaceId: team.workspaceId }]);
    // The file counts against the team's storage, not the uploader's.
    const teamStorage = await body(await call("GET", "/api/storage", { auth: team.session }));
    const editorStorage = await body(await call("GET", "/api/storage", { auth: editor.session }));
    expect(teamStorage.usage.storage.current).toBe(3);
    expect(editorStorage.usage.storage.current).toBe(0);
  });

  it("refuses to complete once the uploader's membership is removed, and creates nothing", async () => {
    const { team, editor, projectId } = await teamWithEditor();
    const sessionId = await startUpload(editor.session, projectId, new Uint8Array([8, 1, 2]));
    await withDb((db) =>
      db
        .delete(memberships)
        .where(and(eq(memberships.workspaceId, team.workspaceId), eq(memberships.userId, editor.userId))),
    );
    const refused = await call("POST", "/api/upload/complete", { auth: editor.session, json: { sessionId } });
    expect(refused.status).toBe(404);
    expect((await body(refused)).code).toBe("NOT_FOUND");
    expect(await modelsIn(projectId)).toEqual([]);
  });

  it("refuses a demoted uploader (viewer) with 403, and another user's session with 404", async () => {
    const { team, editor, projectId } = await teamWithEditor();
    const sessionId = await startUpload(editor.session, projectId, new Uint8Array([8, 1, 2]));
    const stranger = await newTenant();
    expect((await call("POST", "/api/upload/complete", { auth: stranger.session, json: { sessionId } })).status).toBe(
      404,
    );
    expect((await call("GET", `/api/upload/${sessionId}`, { auth: stranger.key })).status).toBe(404);
    await withDb((db) =>
      db
        .update(memberships)
        .set({ role: "viewer" })
        .where(and(eq(memberships.workspaceId, team.workspaceId), eq(memberships.userId, editor.userId))),
    );
    expect((await call("POST", "/api/upload/complete", { auth: editor.session, json: { sessionId } })).status).toBe(
      403,
    );
    expect(await modelsIn(projectId)).toEqual([]);
  });
});
