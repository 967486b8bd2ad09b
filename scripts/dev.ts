/**
 * `npm run dev`: the whole platform on this machine, offline, on embedded defaults.
 * PGlite (persisted in .edgehub/pgdata) -> migrations -> database proxy -> dev user ->
 * `wrangler dev` with its Durable Objects, R2 and queues (persisted in .edgehub/wrangler).
 * DATABASE_URL points it at a real PostgreSQL instead; PORT overrides 8787.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findYolo } from "../gpu-runner/src/main";
import { signSession } from "../src/auth/session";
import { copyAssets } from "./copy-assets";
import { startDbProxy } from "./lib/db-proxy";
import { ensureDevCredits, ensureDevUser, type CreatedUser } from "./lib/users";
import { startPglite, type LocalPostgres } from "./lib/local-postgres";
import { applyMigrations } from "./lib/migrate";
import { localWranglerArgs } from "./lib/wrangler-local";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stateDir = path.join(root, ".edgehub");
const port = Number(process.env.PORT ?? 8787);
const baseUrl = `http://127.0.0.1:${port}`;

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

/** Secrets made once per checkout and kept in .edgehub/ (git-ignored). */
type LocalSecrets = { signingSecret: string; sessionSecret: string; runnerToken: string };

function localSecrets(): LocalSecrets {
  const file = path.join(stateDir, "secrets.json");
  const existing = readJson<Partial<LocalSecrets>>(file) ?? {};
  const secret = () => randomBytes(32).toString("hex");
  const secrets = {
    signingSecret: existing.signingSecret ?? secret(),
    sessionSecret: existing.sessionSecret ?? secret(),
    runnerToken: existing.runnerToken ?? secret(),
  };
  if (JSON.stringify(secrets) !== JSON.stringify(existing))
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function database(): Promise<LocalPostgres> {
  const url = process.env.DATABASE_URL;
  if (!url) return startPglite({ dataDir: path.join(stateDir, "pgdata") });
  const parsed = new URL(url);
  return { url, address: `${parsed.hostname}:${parsed.port || "5432"}`, kind: "postgres", stop: async () => {} };
}

/** Fails fast when something already listens on the port, instead of mistaking it for us. */
async function assertPortFree(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", () =>
      reject(new Error(`Port ${port} is in use (another EdgeHub?). Stop it or set PORT=<port>.`)),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

async function waitForHealth(child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("EdgeHub did not become healthy within 60 s");
}

/**
 * One gpu-runner beside the API, as `npm run runner` starts one (YOLO_BIN/GPU_TYPE pass through).
 * With the yolo CLI and no GPU_TYPE it offers `cpu` training: a laptop trains on its CPU.
 */
function startRunner(runnerToken: string): ChildProcess {
  const trainsOnCpu = !process.env.GPU_TYPE && Boolean(findYolo(process.env));
  return spawn(process.execPath, ["--import", "tsx", "gpu-runner/src/main.ts"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      ...(trainsOnCpu ? { GPU_TYPE: "cpu" } : {}),
      EDGEHUB_API_URL: baseUrl,
      RUNNER_TOKEN: runnerToken,
      RUNNER_NAME: process.env.RUNNER_NAME ?? "dev-runner",
      RUNNER_WORK_DIR: path.join(stateDir, "runner"),
    },
  });
}

async function main() {
  await assertPortFree();
  mkdirSync(stateDir, { recursive: true });
  copyAssets();
  const secrets = localSecrets();
  const db = await database();
  await applyMigrations(db.url);
  const proxy = await startDbProxy({ port: 0, allowed: [db.address] });

  const devFile = path.join(stateDir, "dev.json");
  const previous = readJson<{ apiKey: string; username: string; userId?: string }>(devFile);
  const user: CreatedUser = await ensureDevUser(
    db.url,
    previous?.username ?? "developer",
    previous?.userId ? (previous as CreatedUser) : undefined,
  );
  await ensureDevCredits(db.url, user.userId);
  const sessionToken = await signSession(secrets.sessionSecret, { userId: user.userId });
  writeFileSync(
    devFile,
    JSON.stringify(
      { baseUrl, apiKey: user.apiKey, sessionToken, username: user.username, userId: user.userId },
      null,
      2,
    ),
    { mode: 0o600 },
  );

  // A PGlite session costs nothing to open, so the WebSocket beats a fetch per query there; a real
  // Postgres starts a backend per session, and SQL over HTTP (pooled) is much faster (README, "Database").
  const envFile = path.join(stateDir, "dev.env");
  writeFileSync(
    envFile,
    [
      `DATABASE_URL=${db.url}`,
      `DB_WS_PROXY=127.0.0.1:${proxy.port}`,
      `SIGNING_SECRET=${secrets.signingSecret}`,
      `SESSION_JWT_SECRET=${secrets.sessionSecret}`,
      `RUNNER_TOKEN=${secrets.runnerToken}`,
      `PUBLIC_BASE_URL=${baseUrl}`,
      `DB_HTTP_QUERIES=${process.env.DB_HTTP_QUERIES ?? (db.kind === "pglite" ? "false" : "true")}`,
      // Server-Timing on answers (the bench reads it); a deployment leaves it off.
      `DEBUG_TIMING=${process.env.DEBUG_TIMING ?? "true"}`,
      ...(process.env.OUTBOUND_ALLOW_HOSTS ? [`OUTBOUND_ALLOW_HOSTS=${process.env.OUTBOUND_ALLOW_HOSTS}`] : []),
    ].join("\n") + "\n",
    { mode: 0o600 },
  );

  const wrangler = spawn(
    path.join(root, "node_modules/.bin/wrangler"),
    localWranglerArgs(root, {
      port,
      envFile,
      persistTo: path.join(stateDir, "wrangler"),
      logLevel: process.env.WRANGLER_LOG,
    }),
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
      },
    },
  );

  let runner: ChildProcess | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // wrangler starts workerd children: stop the whole process group.
    if (runner && runner.exitCode === null) runner.kill("SIGTERM");
    if (wrangler.pid && wrangler.exitCode === null) process.kill(-wrangler.pid, "SIGTERM");
    await proxy.close();
    await db.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  wrangler.on("exit", (code) => void stop(code ?? 1));

  await waitForHealth(wrangler);
  if (process.env.EDGEHUB_RUNNER !== "0") runner = startRunner(secrets.runnerToken);
  console.log(`
EdgeHub ready at ${baseUrl}
  database   ${db.kind}${db.kind === "pglite" ? " (.edgehub/pgdata)" : ""}
  username   ${user.username}
  API key    ${user.apiKey}
  session    ${sessionToken}
  docs       ${baseUrl}/api/docs
  runner     ${runner ? "one gpu-runner (predict, inspect, ingest; exports and cpu training too with the yolo CLI; EDGEHUB_RUNNER=0 to start none)" : "none"}
  (saved in .edgehub/dev.json)
`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
