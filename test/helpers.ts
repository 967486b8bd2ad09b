import { env, exports } from "cloudflare:workers";
import { generateApiKey } from "../src/auth/api-key";
import { signSession } from "../src/auth/session";
import { openDb, type Database } from "../src/db/client";
import { insertUser, newApiKeyRow } from "../src/db/identity";
import { apiKeys } from "../src/db/schema";
import { newId } from "../src/ids";

export const BASE = "http://edgehub.test";

/** Runs `work` with a database handle of its own (none may outlive a request in workerd). */
export async function withDb<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const handle = openDb(env);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

export interface Tenant {
  username: string;
  userId: string;
  workspaceId: string;
  key: string;
  keyId: string;
  session: string;
}

let counter = 0;

/** A fresh user with a personal workspace, an API key and a session token: tests share one database. */
export async function newTenant(prefix = "t"): Promise<Tenant> {
  const username =
    `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(
      0,
      32,
    );
  const userId = newId("user");
  const workspaceId = newId("workspace");
  const key = generateApiKey();
  const keyId = newId("apiKey");
  await withDb(async (db) => {
    await insertUser(db, { userId, workspaceId, username, name: username });
    await db.insert(apiKeys).values(await newApiKeyRow(key, { id: keyId, workspaceId, userId, name: "test" }));
  });
  const session = await signSession(env.SESSION_JWT_SECRET!, { userId });
  return { username, userId, workspaceId, key, keyId, session };
}

export interface CallOptions extends Omit<RequestInit, "body"> {
  /** An API key or session token, sent as Bearer. */
  auth?: string;
  json?: unknown;
  body?: BodyInit | null;
  ip?: string;
}

/**
 * Each credential calls from its own address by default (anonymous calls from one): tests make
 * hundreds of keys a minute, which from one address would meet the per-IP key look-up limit.
 */
function clientIp(auth: string | undefined): string {
  if (!auth) return "203.0.113.7";
  let hash = 0;
  for (let i = 0; i < auth.length; i++) hash = (hash * 31 + auth.charCodeAt(i)) >>> 0;
  return `10.${(hash >>> 16) & 0xff}.${(hash >>> 8) & 0xff}.${hash & 0xff}`;
}

/** A request through the Worker's own fetch, in workerd with its real bindings. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.auth) headers.set("Authorization", `Bearer ${options.auth}`);
  headers.set("cf-connecting-ip", options.ip ?? clientIp(options.auth));
  let body = options.body ?? null;
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.json);
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...options, method, headers, body }));
}

/** The JSON body of a response, typed loosely for assertions. */
export async function body<T = Record<string, any>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** A project and a model in it, for tests that need a model to upload to. */
export async function newModel(
  t: Tenant,
  slug = `m-${(counter++).toString(36)}`,
): Promise<{ projectId: string; modelId: string }> {
  const project = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: `p-${slug}` } }));
  const model = await body(
    await call("POST", "/api/models", { auth: t.key, json: { projectId: project.id, model: slug } }),
  );
  if (!model.id) throw new Error(`newModel: ${JSON.stringify(model)}`);
  return { projectId: project.id, modelId: model.id };
}
