import { toHex } from "../../auth/api-key";

/**
 * Each job's callback secret is derived from the Worker's signing secret and the job id, so it
 * is never stored: the claim hands it to the runner, the webhook route re-derives it to verify.
 */
export async function jobSecret(signingSecret: string, jobId: string): Promise<string> {
  return hmacHex(signingSecret, `job-callback:${jobId}`);
}

export async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message))));
}

/** The signature a callback carries: HMAC-SHA256 over `<timestamp>.<body>`, hex, as `sha256=<hex>`. */
export async function signCallback(secret: string, timestamp: number, body: string): Promise<string> {
  return `sha256=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  if (left.length !== right.length) return false;
  return crypto.subtle.timingSafeEqual(left, right);
}
