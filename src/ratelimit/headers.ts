import { ApiError } from "../errors";
import type { RateDecision } from "./limits";

/** The rate-limit headers of a counted request (the spec's X-RateLimit-* and Retry-After). */
export function rateLimitHeaders(decision: RateDecision, now: number): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(decision.remaining),
    "X-RateLimit-Reset": new Date(decision.resetAt).toISOString(),
  };
  if (!decision.allowed) headers["Retry-After"] = String(Math.max(1, Math.ceil((decision.resetAt - now) / 1000)));
  return headers;
}

export function rateLimitedError(decision: RateDecision, now: number, what = "requests"): ApiError {
  const headers = rateLimitHeaders(decision, now);
  return new ApiError(
    "RATE_LIMITED",
    `Rate limit exceeded: ${decision.limit} ${what} per minute. Retry after ${headers["Retry-After"]} s`,
    headers,
  );
}
