import type { Context, MiddlewareHandler } from "hono";
import { endTime, startTime } from "hono/timing";
import { admit, readCredential } from "../auth/authenticate";
import type { AppEnv } from "../context";
import { scopeAllows, type KeyScope } from "../auth/scopes";
import { ApiError } from "../errors";
import { settingsOf } from "../settings";
import type { OperationRule } from "../operations";
import { rateLimitedError, rateLimitHeaders } from "../ratelimit/headers";
import { safeEqual } from "../crypto";

/** Runner routes take the fleet's token, compared in constant time. */
function assertRunner(token: string | undefined, authorization: string | undefined): void {
  if (!token) throw new ApiError("SERVICE_UNAVAILABLE", "Runners are not configured: set the RUNNER_TOKEN secret");
  const presented = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "")?.[1] ?? "";
  if (!safeEqual(presented, token))
    throw new ApiError("UNAUTHORIZED", "A runner token is required: send 'Authorization: Bearer <RUNNER_TOKEN>'");
}

/**
 * A browser sends its cookie with any site's form: a cookie-authenticated write must come from a
 * page of the API's own origin (or one named in ALLOWED_ORIGINS). Browsers send Origin on writes.
 */
function assertSameOrigin(c: Context<AppEnv>): void {
  if (["GET", "HEAD", "OPTIONS"].includes(c.req.method)) return;
  const origin = c.req.header("origin");
  const allowed = [
    new URL(c.req.url).origin,
    c.env.PUBLIC_BASE_URL && new URL(c.env.PUBLIC_BASE_URL).origin,
    ...settingsOf(c.env).ALLOWED_ORIGINS,
  ];
  if (!origin || !allowed.includes(origin)) {
    throw new ApiError(
      "FORBIDDEN",
      "A cookie-authenticated write must come from the API's own origin (Origin did not match)",
    );
  }
}

/** The client's address, from the one header the operator's proxy sets (CLIENT_IP_HEADER). */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header(settingsOf(c.env).CLIENT_IP_HEADER) ?? "unknown";
}

/**
 * In front of every operation: authenticate, apply the operation's access rule, count the
 * request against its rate-limit category. Missing or bad credentials are 401; a valid
 * credential of the wrong kind is 403.
 */
export function gate(rule: OperationRule, scope: KeyScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ip = clientIp(c);
    if (rule.access === "signed") {
      c.set("actor", { kind: "anonymous", ip });
      return next();
    }
    if (rule.access === "runner") {
      assertRunner(c.env.RUNNER_TOKEN, c.req.header("authorization"));
      c.set("actor", { kind: "anonymous", ip });
      return next();
    }

    startTime(c, "auth");
    const credential = readCredential(c.req.raw.headers);
    if (!credential && rule.access !== "public") {
      endTime(c, "auth");
      throw new ApiError(
        "UNAUTHORIZED",
        rule.access === "session"
          ? "A browser session is required"
          : "API key required: send 'Authorization: Bearer <API key>'",
      );
    }
    endTime(c, "auth");

    startTime(c, "ratelimit");
    const now = Date.now();
    const { actor, decision } = await admit(c.env, credential, rule.category, ip, now).finally(() =>
      endTime(c, "ratelimit"),
    );
    c.set("actor", actor);

    if (credential?.type === "session" && credential.fromCookie) assertSameOrigin(c);
    if (rule.access === "session" && actor.kind === "key") {
      throw new ApiError("FORBIDDEN", "This route requires a browser session and does not accept API keys");
    }
    if (actor.kind === "key" && actor.boundTo && !rule.trainingJobKey) {
      throw new ApiError("FORBIDDEN", "This key belongs to a training job and serves only its training callbacks");
    }
    if (actor.kind === "key" && !scopeAllows(actor.scopes, scope)) {
      const has = actor.scopes.join(", ");
      throw new ApiError("FORBIDDEN", `This API key's scopes (${has}) do not allow this operation: it needs ${scope}`);
    }
    if (decision) {
      if (!decision.allowed) throw rateLimitedError(decision, now);
      await next();
      for (const [name, value] of Object.entries(rateLimitHeaders(decision, now))) c.res.headers.set(name, value);
      return;
    }
    await next();
  };
}
