/**
 * The whole platform for end-to-end runner tests, as `npm run dev` starts it: PGlite (or a scratch
 * database on EDGEHUB_TEST_DATABASE_URL), the database proxy, and the API Worker with the queue
 * gateway under wrangler dev on a free port. Runners started by the tests talk to it over HTTP.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { copyAssets } from "../../scripts/copy-assets";
import { startDbProxy } from "../../scripts/lib/db-proxy";
import { createScratchDatabase, startPglite } from "../../scripts/lib/local-postgres";
import { applyMigrations } from "../../scripts/lib/migrate";
import { createUser, ensureDevCredits } from "../../scripts/lib/users";
import { localWranglerArgs } from "../../scripts/lib/wrangler-local";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface Stack {
  baseUrl: string;
  apiKey: string;
  runnerToken: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startStack(vars: Record<string, string> = {}): Promise<Stack> {
  copyAssets(); // wrangler refuses to start without the [assets] directory, which a clean clone lacks
  const dir = mkdtempSync(path.join(os.tmpdir(), "edgehub-e2e-"));
  const serverUrl = process.env.EDGEHUB_TEST_DATABASE_URL;
  const db = serverUrl ? await createScratchDatabase(serverUrl, `edgehub_e2e_${process.pid}`) : await startPglite();
  await applyMigrations(db.url);
  const proxy = await startDbProxy({ port: 0, allowed: [db.address] });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const runnerToken = randomBytes(16).toString("hex");
  const envFile = path.join(dir, "e2e.env");
  const env = {
    DATABASE_URL: db.url,
    DB_WS_PROXY: `127.0.0.1:${proxy.port}`,
    SIGNING_SECRET: randomBytes(32).toString("hex"),
    SESSION_JWT_SECRET: randomBytes(32).toString("hex"),
    RUNNER_TOKEN: runnerToken,
    PUBLIC_BASE_URL: baseUrl,
    ...vars,
  };
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
  );
  const wrangler: ChildProcess = spawn(
    path.join(ROOT, "node_modules/.bin/wrangler"),
    localWranglerArgs(ROOT, { port, envFile, persistTo: path.join(dir, "wrangler"), logLevel: "error" }),
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
      },
    },
  );
  const stop = async () => {
    if (wrangler.pid && wrangler.exitCode === null) process.kill(-wrangler.pid, "SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (wrangler.pid && wrangler.exitCode === null) process.kill(-wrangler.pid, "SIGKILL");
    await proxy.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    if (wrangler.exitCode !== null || attempt > 240) {
      await stop();
      throw new Error("the e2e stack did not start");
    }
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const user = await createUser(db.url, { username: `e2e-${Date.now().toString(36)}` });
  await ensureDevCredits(db.url, user.userId); // as `npm run dev` grants: GPU jobs need credits
  return { baseUrl, apiKey: user.apiKey, runnerToken, stop };
}

/**
 * A client of the API with the stack's key. Like a well-behaved client it waits out a 429's
 * Retry-After (the tests share one key, and its upload limit is 10 a minute).
 */
export function apiOf(stack: Stack) {
  return async <T = Record<string, any>>(
    method: string,
    pathname: string,
    init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${stack.apiKey}`, ...init.headers };
    if (init.json !== undefined) headers["Content-Type"] = "application/json";
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${stack.baseUrl}${pathname}`, {
        method,
        headers,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });
      const wait = Number(response.headers.get("retry-after") ?? 0);
      if (response.status === 429 && attempt < 5 && wait <= 60) {
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        continue;
      }
      return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
    }
  };
}

/** Uploads a file to a model (or a project) through signed URLs. */
export async function upload(
  stack: Stack,
  assetId: string,
  name: string,
  bytes: Uint8Array,
  assetType: "models" | "datasets" = "models",
): Promise<string> {
  const api = apiOf(stack);
  const session = await api("POST", "/api/upload/signed-url", {
    json: {
      assetType,
      assetId,
      filename: name,
      contentType: "application/octet-stream",
      totalBytes: bytes.length,
    },
  });
  if (!session.body.sessionId) throw new Error(`signed-url ${session.status}: ${JSON.stringify(session.body)}`);
  // Files larger than one part get a signed URL per part.
  const parts: { partNumber: number; size: number; uploadUrl: string }[] = session.body.parts ?? [
    { partNumber: 1, size: bytes.length, uploadUrl: session.body.uploadUrl },
  ];
  for (const part of parts) {
    const start = (part.partNumber - 1) * (session.body.partSize ?? 0);
    const put = await fetch(part.uploadUrl, {
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream" },
      body: bytes.subarray(start, start + part.size),
    });
    if (!put.ok) throw new Error(`upload PUT ${put.status}`);
  }
  const done = await api("POST", "/api/upload/complete", { json: { sessionId: session.body.sessionId } });
  if (done.status !== 200) throw new Error(`complete ${done.status}`);
  return session.body.sessionId;
}

/** Polls every 250 ms: the stack has one API key, whose 100 requests a minute every test shares. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
