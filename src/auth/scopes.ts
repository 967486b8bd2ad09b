/**
 * API key scopes, each including the ones before it: `read` reads, `write` also changes things,
 * `admin` also manages API keys. Browser sessions act with every scope.
 */
export const KEY_SCOPES = ["read", "write", "admin"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export function scopeAllows(scopes: readonly KeyScope[], needed: KeyScope): boolean {
  const rank = KEY_SCOPES.indexOf(needed);
  return scopes.some((scope) => KEY_SCOPES.indexOf(scope) >= rank);
}
