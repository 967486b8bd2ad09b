import { createApp } from "./app";
import { openDb } from "./db/client";
import type { Env } from "./env";
import { runHousekeeping } from "./services/housekeeping";

export { JobSignal } from "./services/jobs/job-signal";
export { JobWaiter } from "./services/jobs/job-waiter";
export { KeyGate } from "./ratelimit/key-gate";

let app: ReturnType<typeof createApp> | undefined;

export default {
  /** Built on the first request, the first moment `env` says whether the local queue gateway is bound. */
  fetch(request, env, ctx) {
    app ??= createApp({ localQueueGateway: env.QUEUE_GATEWAY !== undefined });
    return app.fetch(request, env, ctx);
  },

  /** Hourly: purge old trash, collect abandoned uploads, forget old idempotency keys, sweep jobs, end silent runs. */
  async scheduled(_controller, env, ctx) {
    const handle = openDb(env);
    try {
      await runHousekeeping({
        env,
        db: handle.db,
        bucket: env.BUCKET,
        now: () => new Date(),
        baseUrl: env.PUBLIC_BASE_URL ?? "",
        waitUntil: (p) => ctx.waitUntil(p),
      });
    } finally {
      ctx.waitUntil(handle.close());
    }
  },
} satisfies ExportedHandler<Env>;
