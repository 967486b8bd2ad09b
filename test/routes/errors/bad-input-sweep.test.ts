/**
 * Every operation of the generated OpenAPI document, sent bad input: malformed and wrongly typed
 * bodies, garbage query values, ids that name nothing. Each answer must be a 4xx with the error
 * body (never a 500 or a stack trace), and none may change the tenant's rows.
 */
import { eq, getTableColumns, is } from "drizzle-orm";
import { PgTable, type PgColumn } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../../src/db/schema";
import { newApiKeyRow } from "../../../src/db/identity";
import { generateApiKey } from "../../../src/auth/api-key";
import { ID_PREFIXES, type IdKind } from "../../../src/ids";
import { body, call, newModel, newTenant, withDb, type Tenant } from "../../helpers";
import { RUNNER_TOKEN } from "../../runner-protocol";

interface Operation {
  method: string;
  path: string;
  query: string[];
  /** The JSON body's declared properties (none for other bodies). */
  properties: Record<string, { type?: string | string[] }>;
  contentType?: string;
  runner: boolean;
}

type Request = { method: string; path: string; body?: string; contentType?: string; what: string };

const CODES = [
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "VALIDATION_ERROR",
  "CONFLICT",
  "RATE_LIMITED",
  "METHOD_NOT_ALLOWED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYMENT_REQUIRED",
];

/** A value of the wrong JSON type for a declared property. */
function wrongType(type: string | string[] | undefined): unknown {
  const first = Array.isArray(type) ? type[0] : type;
  if (first === "string") return { not: "a string" };
  if (first === "number" || first === "integer") return "NaN";
  if (first === "boolean") return "yes";
  if (first === "array") return "not an array";
  return 12345;
}

/** A body schema's properties, through $ref and the branches of allOf / anyOf / oneOf. */
function propertiesOf(schema: any, doc: any): Record<string, { type?: string | string[] }> {
  if (!schema) return {};
  if (schema.$ref) return propertiesOf(doc.components.schemas[schema.$ref.split("/").pop()], doc);
  const branches = [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  return Object.assign({}, ...branches.map((branch: any) => propertiesOf(branch, doc)), schema.properties ?? {});
}

async function operations(): Promise<Operation[]> {
  const doc = await body(await call("GET", "/api/openapi.json"));
  return Object.entries<Record<string, any>>(doc.paths).flatMap(([path, methods]) =>
    Object.entries<any>(methods).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      return {
        method: method.toUpperCase(),
        path,
        query: (op.parameters ?? []).filter((p: any) => p.in === "query").map((p: any) => p.name),
        properties: propertiesOf(content["application/json"]?.schema, doc),
        contentType: Object.keys(content)[0],
        runner: (op.security ?? []).some((s: Record<string, unknown>) => "RunnerToken" in s),
      };
    }),
  );
}

/** The bad requests for one operation, with its path's parameters filled by `fill`. */
function badRequests(op: Operation, fill: (name: string) => string): Request[] {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(fill(name)));
  const requests: Request[] = [];
  if (op.query.length) {
    for (const value of ["-1", "not-a-value", "x".repeat(600)]) {
      const query = op.query.map((name) => `${name}=${encodeURIComponent(value)}`).join("&");
      requests.push({ method: op.method, path: `${path}?${query}`, what: `query ${value.slice(0, 12)}` });
    }
  }
  if (op.contentType === "application/json") {
    const typed = Object.fromEntries(Object.entries(op.properties).map(([name, prop]) => [name, wrongType(prop.type)]));
    const variants = [
      ["malformed JSON", '{"a": '],
      ["a JSON array", "[1, 2]"],
      ["JSON null", "null"],
    ];
    if (Object.keys(typed).length) variants.push(["wrong types", JSON.stringify(typed)]);
    for (const [what, text] of variants) {
      requests.push({ method: op.method, path, body: text, contentType: "application/json", what: what! });
    }
    requests.push({
      method: op.method,
      path,
      body: "name=x",
      contentType: "text/plain",
      what: "the wrong content type",
    });
  } else if (op.contentType === "multipart/form-data") {
    requests.push({
      method: op.method,
      path,
      body: '--b\r\nContent-Disposition: form-data; name="conf"\r\n\r\n7\r\n--b--\r\n',
      contentType: "multipart/form-data; boundary=b",
      what: "a form without a file",
    });
    requests.push({
      method: op.method,
      path,
      body: "not a form",
      contentType: "multipart/form-data; boundary=b",
      what: "a broken form",
    });
  } else if (op.contentType === "application/octet-stream") {
    requests.push({
      method: op.method,
      path,
      body: "bytes",
      contentType: "application/octet-stream",
      what: "bytes without a valid token",
    });
  }
  return requests;
}

/** The tenant's rows in every table that has a workspace: what bad input must leave alone. */
async function tenantRows(t: Tenant): Promise<string> {
  const tables = (Object.values(schema) as unknown[]).filter(
    (value): value is PgTable => is(value, PgTable) && "workspaceId" in getTableColumns(value),
  );
  return withDb(async (db) => {
    const dumps = await Promise.all(
      tables.map(async (table) => {
        const { workspaceId } = getTableColumns(table) as Record<string, PgColumn>;
        const rows: Record<string, unknown>[] = await db.select().from(table).where(eq(workspaceId!, t.workspaceId));
        // A key's last use is bookkeeping of the read itself.
        const comparable: Record<string, unknown>[] = rows.map((row) => ({ ...row, lastUsedAt: undefined }));
        return JSON.stringify(comparable.sort((a, b) => String(a.id ?? "").localeCompare(String(b.id ?? ""))));
      }),
    );
    return dumps.join("\n");
  });
}

/** Fresh API keys for the tenant, so the per-key limits never answer in place of validation. */
async function moreKeys(t: Tenant, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, () => generateApiKey());
  await withDb(async (db) => {
    await db
      .insert(schema.apiKeys)
      .values(
        await Promise.all(
          keys.map((key) => newApiKeyRow(key, { workspaceId: t.workspaceId, userId: t.userId, name: "sweep" })),
        ),
      );
  });
  return keys;
}

/** Browser sessions of `count` editors of the tenant's workspace (the tenant's own among them). */
async function moreSessions(t: Tenant, count: number): Promise<string[]> {
  const editors = await Promise.all(Array.from({ length: count - 1 }, () => newTenant("sweeper")));
  await withDb((db) =>
    db
      .insert(schema.memberships)
      .values(
        editors.map((editor) => ({ workspaceId: t.workspaceId, userId: editor.userId, role: "editor" as const })),
      ),
  );
  return [t.session, ...editors.map((editor) => editor.session)];
}

describe("bad input to every operation", () => {
  it("answers each with a 4xx and the error body, and changes none of the tenant's rows", async () => {
    const t = await newTenant("sweep");
    const { projectId, modelId } = await newModel(t, "swept");
    const { project } = await body(await call("GET", `/api/projects/${projectId}`, { auth: t.key }));
    const { model } = await body(await call("GET", `/api/models/${modelId}`, { auth: t.key }));
    const { id: datasetId, dataset } = await body(
      await call("POST", "/api/datasets", { auth: t.key, json: { dataset: "swept-data", name: "Swept" } }),
    );
    const real: Record<string, string> = {
      owner: t.username,
      project: project.project,
      projectId,
      model: model.model,
      modelId,
      dataset,
      datasetId,
    };
    // Well-formed ids of the right kind that name nothing, and a slug nobody has.
    const nothing = (name: string) => {
      const kind =
        ({ sessionId: "upload", keyId: "apiKey" } as Record<string, string>)[name] ?? name.replace(/Id$/, "");
      const prefix = ID_PREFIXES[kind as IdKind];
      return prefix ? `${prefix}_${"z".repeat(20)}` : "zz-not-here";
    };

    const ops = await operations();
    expect(ops.length).toBeGreaterThan(60);
    const requests = ops.flatMap((op) => [
      ...badRequests(op, (name) => real[name] ?? nothing(name)).map((request) => ({ ...request, runner: op.runner })),
      ...badRequests(op, nothing).map((request) => ({ ...request, runner: op.runner })),
    ]);
    const keys = await moreKeys(t, Math.ceil(requests.length / 8));
    const sessions = await moreSessions(t, 4);
    let sessionUses = 0;

    const before = await tenantRows(t);
    const failures: string[] = [];
    for (const [i, request] of requests.entries()) {
      const auth = request.runner ? RUNNER_TOKEN : keys[Math.floor(i / 8)]!;
      const send = (credential: string) =>
        call(request.method, request.path, {
          auth: credential,
          ...(request.body !== undefined
            ? { body: request.body, headers: { "Content-Type": request.contentType! } }
            : {}),
        });
      let response = await send(auth);
      // Session-only operations: sessions of the workspace's editors, in turn (a user's sessions share one limit).
      if (response.status === 403 && !request.runner)
        response = await send(sessions[Math.floor(sessionUses++ / 80) % sessions.length]!);
      const text = await response.text();
      const label = `${request.method} ${request.path.slice(0, 90)} (${request.what}) -> ${response.status} ${text.slice(0, 160)}`;
      if (response.status < 400 || response.status >= 500 || response.status === 429) {
        failures.push(label);
        continue;
      }
      let parsed: { error?: unknown; code?: unknown } = {};
      try {
        parsed = JSON.parse(text);
      } catch {}
      if (typeof parsed.error !== "string" || !CODES.includes(String(parsed.code)) || /\bat .*\.[tj]s:\d+/.test(text))
        failures.push(label);
    }
    expect.soft(failures).toEqual([]);
    expect(await tenantRows(t)).toBe(before);
    // Some 2,000 requests, one after another: the time grows with the operations.
  }, 180_000);
});
