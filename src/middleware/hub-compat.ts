import type { MiddlewareHandler } from "hono";

/** The HUB v1 API and the two root routes the HUB-era ultralytics package calls. */
export function isHubPath(path: string): boolean {
  return path.startsWith("/v1/") || path === "/model-reset" || path === "/get-export";
}

/**
 * What HUB clients read differently: hub-sdk prints `X-RateLimit-Reset` as integer epoch
 * seconds (EdgeHub's /api sends an ISO time), and reads `success: false` from a refused key.
 */
export const hubCompat: MiddlewareHandler = async (c, next) => {
  await next();
  const reset = c.res.headers.get("X-RateLimit-Reset");
  if (reset && Number.isNaN(Number(reset))) {
    c.res.headers.set("X-RateLimit-Reset", String(Math.ceil(Date.parse(reset) / 1000)));
  }
};
