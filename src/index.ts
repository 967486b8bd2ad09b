import { createApp } from "./app";
import { openDb } from "./db/client";
import type { Env } from "./env";
import { runHousekeeping } from "./services/housekeeping";

export { JobWaiter } from "./services/jobs/job-waiter";
export { KeyGate } from "./ratelimit/key-gate";

const app = createApp();

export default {
  fetch: app.fetch,

  /** Hourly: purge trash older than 30 days, collect abandoned uploads, forget old idempotency keys. */
  async scheduled(_controller, env, ctx) {
    const handle = openDb(env);
    try {
      await runHousekeeping(handle.db, env.BUCKET, new Date());
    } finally {
      ctx.waitUntil(handle.close());
    }
  },
} satisfies ExportedHandler<Env>;
