import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * wrangler.toml plus the local queue gateway's service binding, written as wrangler.local.toml
 * (git-ignored) beside it: the deployed Worker has no gateway (runners pull from Cloudflare there).
 */
export function writeLocalApiConfig(root: string): string {
  const file = "wrangler.local.toml";
  const base = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const binding =
    '\n# Added for local runs: the queue gateway (workers/queue-gateway).\n[[services]]\nbinding = "QUEUE_GATEWAY"\nservice = "edgehub-queue-gateway"\n';
  writeFileSync(
    path.join(root, file),
    `# Generated from wrangler.toml by scripts/lib/wrangler-local.ts: edit that file instead.\n${base}${binding}`,
  );
  return file;
}

/** The wrangler dev arguments that run the API and the gateway in one process (they share the queues). */
export function localWranglerArgs(
  root: string,
  options: { port: number; envFile: string; persistTo: string; logLevel?: string },
): string[] {
  return [
    "dev",
    "-c",
    writeLocalApiConfig(root),
    "-c",
    "workers/queue-gateway/wrangler.toml",
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--env-file",
    options.envFile,
    "--persist-to",
    options.persistTo,
    "--log-level",
    options.logLevel ?? "warn",
    "--show-interactive-dev-session=false",
  ];
}
