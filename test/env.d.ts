import type { Env } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends import("../src/env").Env {
      DATABASE_KIND: string;
    }
  }
}
export type { Env };
