import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { Env } from "../env";

/**
 * Browser sessions are JWTs: signed with a local HS256 secret in dev and self-hosted setups,
 * or by an identity provider whose JWKS URL is configured (for example Cloudflare Access).
 */
export interface SessionClaims {
  /** The EdgeHub user id (local tokens) or the IdP subject. */
  subject: string;
  email?: string;
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** Why the session settings cannot be used, or undefined when they can. */
export function sessionConfigProblem(env: Env): string | undefined {
  if (env.SESSION_JWKS_URL && (!env.SESSION_ISSUER || !env.SESSION_AUDIENCE)) {
    return "SESSION_JWKS_URL is set without SESSION_ISSUER and SESSION_AUDIENCE: any token that provider signs for any application would be accepted";
  }
  return undefined;
}

/** Verifies a session token (expiry required); null when it is invalid, expired or no session method is configured. */
export async function verifySession(env: Env, token: string): Promise<SessionClaims | null> {
  const options = {
    issuer: env.SESSION_ISSUER || undefined,
    audience: env.SESSION_AUDIENCE || undefined,
    requiredClaims: ["exp"],
  };
  try {
    let payload: JWTPayload;
    if (env.SESSION_JWKS_URL) {
      let jwks = jwksCache.get(env.SESSION_JWKS_URL);
      if (!jwks) jwksCache.set(env.SESSION_JWKS_URL, (jwks = createRemoteJWKSet(new URL(env.SESSION_JWKS_URL))));
      ({ payload } = await jwtVerify(token, jwks, options));
    } else if (env.SESSION_JWT_SECRET) {
      ({ payload } = await jwtVerify(token, secretKey(env.SESSION_JWT_SECRET), { ...options, algorithms: ["HS256"] }));
    } else {
      return null;
    }
    if (!payload.sub) return null;
    return { subject: payload.sub, email: typeof payload.email === "string" ? payload.email : undefined };
  } catch {
    return null;
  }
}

/** Issues a local session token (dev seeding and tests). */
export async function signSession(
  secret: string,
  claims: { userId: string; issuer?: string; audience?: string; expiresIn?: string },
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setIssuer(claims.issuer ?? "edgehub")
    .setAudience(claims.audience ?? "edgehub")
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? "30d")
    .sign(secretKey(secret));
}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
