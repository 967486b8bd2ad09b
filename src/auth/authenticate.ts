import type { Env } from "../env";
import type { RateCategory, RateDecision } from "../ratelimit/limits";
import type { Credential } from "../ratelimit/key-gate";
import { ApiError } from "../errors";
import { rateLimitedError } from "../ratelimit/headers";
import type { Actor } from "./actor";
import { hashApiKey, isApiKeyFormat } from "./api-key";
import { looksLikeJwt, verifySession } from "./session";

/** `fromCookie`: the browser sent it by itself, so a write needs a same-origin check (CSRF). */
export type PresentedCredential =
  | { type: "key"; key: string }
  | { type: "session"; token: string; fromCookie?: boolean }
  | null;

export const SESSION_COOKIE = "edgehub_session";

/** Reads the credential a request presents: Bearer key or JWT, legacy x-api-key, or the session cookie. */
export function readCredential(headers: Headers): PresentedCredential {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw new ApiError("UNAUTHORIZED", "Authorization header must be 'Bearer <API key>'");
    const token = match[1].trim();
    if (token.startsWith("ul_")) return { type: "key", key: token };
    if (looksLikeJwt(token)) return { type: "session", token };
    throw new ApiError("UNAUTHORIZED", "Invalid API key format: expected ul_ followed by 40 hex characters");
  }
  const legacyKey = headers.get("x-api-key");
  if (legacyKey) return { type: "key", key: legacyKey.trim() };
  const cookie = headers.get("cookie");
  const session = cookie && new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookie)?.[1];
  return session ? { type: "session", token: session, fromCookie: true } : null;
}

/**
 * What this isolate learned about key hashes lately: admitted (straight to the key's gate),
 * unknown (401 without any call), or charged (a first request is on its way: a burst on one new
 * key costs one look-up). A key not seen here is first charged to its caller's IP (keyLookup),
 * before its gate exists: a flood of made-up keys stops at that limit and creates no per-key state.
 */
type Seen = "known" | "unknown" | "charged";
const seenKeys = new Map<string, { seen: Seen; until: number }>();
const SEEN_TTL_MS: Record<Seen, number> = { known: 30_000, unknown: 30_000, charged: 5_000 };
const SEEN_KEYS_KEPT = 10_000;

function remember(keyHash: string, seen: Seen | undefined, now: number): void {
  if (!seen) return void seenKeys.delete(keyHash);
  if (seenKeys.size >= SEEN_KEYS_KEPT) seenKeys.delete(seenKeys.keys().next().value!);
  seenKeys.set(keyHash, { seen, until: now + SEEN_TTL_MS[seen] });
}

function seenBefore(keyHash: string, now: number): Seen | undefined {
  const entry = seenKeys.get(keyHash);
  if (!entry) return undefined;
  if (entry.until > now) return entry.seen;
  seenKeys.delete(keyHash);
  return undefined;
}

/** Charges one key look-up to the caller's address; throws 429 when it has none left. */
async function chargeLookup(env: Env, keyHash: string, ip: string, now: number): Promise<void> {
  remember(keyHash, "charged", now);
  const lookup = await env.KEY_GATE.get(env.KEY_GATE.idFromName(`ip:${ip}`)).take("keyLookup", now);
  if (lookup && !lookup.allowed) {
    remember(keyHash, undefined, now);
    throw rateLimitedError(lookup, now, "API key look-ups from this address");
  }
}

export interface Admitted {
  actor: Actor;
  decision: RateDecision | null;
}

/**
 * Turns a credential into an Actor and counts the request against its limiter, in one
 * Durable Object call: the key's own gate caches who it belongs to.
 */
export async function admit(
  env: Env,
  credential: PresentedCredential,
  category: RateCategory,
  ip: string,
  now: number,
): Promise<Admitted> {
  if (!credential) {
    const gate = env.KEY_GATE.get(env.KEY_GATE.idFromName(`ip:${ip}`));
    const { decision } = await gate.admit({ kind: "ip" }, category, now);
    return { actor: { kind: "anonymous", ip }, decision };
  }

  let gateName: string;
  let request: Credential;
  if (credential.type === "key") {
    if (!isApiKeyFormat(credential.key))
      throw new ApiError("UNAUTHORIZED", "Invalid API key format: expected ul_ followed by 40 hex characters");
    const keyHash = await hashApiKey(credential.key);
    const seen = seenBefore(keyHash, now);
    if (seen === "unknown") throw new ApiError("UNAUTHORIZED", "Invalid or revoked API key");
    if (seen === undefined) await chargeLookup(env, keyHash, ip, now);
    gateName = keyGateName(keyHash);
    request = { kind: "key", keyHash };
  } else {
    const claims = await verifySession(env, credential.token);
    if (!claims) throw new ApiError("UNAUTHORIZED", "Invalid or expired session");
    gateName = `user:${claims.subject}`;
    request = { kind: "session", subject: claims.subject };
  }

  const gate = env.KEY_GATE.get(env.KEY_GATE.idFromName(gateName));
  const { principal, decision } = await gate.admit(request, category, now);
  if (request.kind === "key") remember(request.keyHash, principal ? "known" : "unknown", now);
  if (!principal) {
    throw new ApiError(
      "UNAUTHORIZED",
      credential.type === "key" ? "Invalid or revoked API key" : "Unknown session user",
    );
  }
  const actor: Actor =
    credential.type === "key" && principal.keyId
      ? {
          kind: "key",
          keyId: principal.keyId,
          userId: principal.userId,
          workspaceId: principal.workspaceId,
          username: principal.username,
          scopes: principal.scopes ?? ["admin"],
          ...(principal.modelId && principal.jobId
            ? { boundTo: { modelId: principal.modelId, jobId: principal.jobId } }
            : {}),
        }
      : { kind: "session", userId: principal.userId, workspaceId: principal.workspaceId, username: principal.username };
  return { actor, decision };
}

/** The gate's name for an API key, so revocation can reach it. */
export function keyGateName(keyHash: string): string {
  return `key:${keyHash}`;
}
