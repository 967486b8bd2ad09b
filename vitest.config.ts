import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";

export const TEST_SECRETS = {
  SIGNING_SECRET: "test-signing-secret-0123456789abcdef",
  SESSION_JWT_SECRET: "test-session-secret-0123456789abcdef",
  RUNNER_TOKEN: "test-runner-token-0123456789abcdef",
};

const shared = path.resolve(import.meta.dirname, "../shared");

export default defineConfig({
  test: {
    projects: [
      {
        // The API Worker in workerd, with Miniflare's Durable Objects, R2 and queues.
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...TEST_SECRETS,
                UPLOAD_PART_SIZE: String(5 * 1024 * 1024),
                PREDICT_WAIT_MS: "4000",
                // Datasets of 30 images or more have their NDJSON built by a runner (ndjson-build.test.ts).
                NDJSON_RUNNER_FROM: "30",
                DATABASE_URL: inject("databaseUrl"),
                DB_WS_PROXY: inject("dbProxy"),
                DATABASE_KIND: inject("databaseKind"),
                REMOTE_WEB: inject("remoteWeb"),
                // The remote web double is on loopback: let the guarded fetch reach it, and resolve through it.
                OUTBOUND_ALLOW_HOSTS: inject("remoteWeb"),
                OUTBOUND_DNS_URL: `http://${inject("remoteWeb")}/dns-query`,
              },
            },
          })),
        ],
        resolve: { alias: { "@spec": path.join(shared, "spec") } },
        test: {
          name: "worker",
          globalSetup: ["./test/setup/global-setup.ts"],
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/node/**"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The local tooling in Node: the database proxy `npm run dev` and the tests put in front of Postgres.
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The gpu-runner in Node: its executors on the real fixture model and pictures.
        test: {
          name: "runner",
          environment: "node",
          include: ["gpu-runner/test/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
