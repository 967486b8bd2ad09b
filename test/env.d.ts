import type { Env as EdgeHubEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeHubEnv {
      DATABASE_KIND: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
