import type { Env as EdgeHubEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeHubEnv {
      DATABASE_KIND: string;
      /** host:port of the remote web double. */
      REMOTE_WEB: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
