import type { Env } from "../env";
import type { RateCategory, RateDecision } from "../ratelimit/limits";
import type { Credential } from "../ratelimit/key-gate";
import { ApiError } from "../errors";
import type { Actor } from "./actor";
import { hashApiKey, isApiKeyFormat } from "./api-key";
import { looksLikeJwt, verifySession } from "./session";

export type PresentedCredential = { type: "key"; key: string } | { type: "session"; token: string } | null;

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
  return session ? { type: "session", token: session } : null;
}

export interface Admitted {
  actor: Actor;
  decision: RateDecision | null;
}

/**
 * Turns a credential into an Actor and counts the request against its limiter, in one
 * Durable Object call: the key's own gate caches who it belongs to.
 */
export async function admit(env: Env, credential: PresentedCredential, category: RateCategory, ip: string, now: number): Promise<Admitted> {
  if (!credential) {
    const gate = env.KEY_GATE.get(env.KEY_GATE.idFromName(`ip:${ip}`));
    const { decision } = await gate.admit({ kind: "ip" }, category, now);
    return { actor: { kind: "anonymous", ip }, decision };
  }

  let gateName: string;
  let request: Credential;
  if (credential.type === "key") {
    if (!isApiKeyFormat(credential.key)) throw new ApiError("UNAUTHORIZED", "Invalid API key format: expected ul_ followed by 40 hex characters");
    const keyHash = await hashApiKey(credential.key);
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
  if (!principal) {
    throw new ApiError("UNAUTHORIZED", credential.type === "key" ? "Invalid or revoked API key" : "Unknown session user");
  }
  const actor: Actor =
    credential.type === "key" && principal.keyId
      ? { kind: "key", keyId: principal.keyId, userId: principal.userId, workspaceId: principal.workspaceId, username: principal.username }
      : { kind: "session", userId: principal.userId, workspaceId: principal.workspaceId, username: principal.username };
  return { actor, decision };
}

/** The gate's name for an API key, so revocation can reach it. */
export function keyGateName(keyHash: string): string {
  return `key:${keyHash}`;
}
