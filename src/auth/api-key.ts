import { sha256Hex, toHex } from "../crypto";

/** API keys as the spec defines them: `ul_` + 40 hex, stored only as a SHA-256 hash. */
const KEY_PATTERN = /^ul_[0-9a-f]{40}$/;

export function isApiKeyFormat(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return `ul_${toHex(bytes)}`;
}

export async function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** What the key list shows: enough to recognise a key, never enough to use it. */
export function keyDisplayPrefix(key: string): string {
  return key.slice(0, 11);
}
