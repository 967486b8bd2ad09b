/** The spec's per-key limits: one independent sliding window per category. */
export const RATE_LIMITS = {
  default: { limit: 100, windowMs: 60_000 },
  training: { limit: 10, windowMs: 60_000 },
  upload: { limit: 10, windowMs: 60_000 },
  predict: { limit: 20, windowMs: 60_000 },
  export: { limit: 20, windowMs: 60_000 },
  download: { limit: 30, windowMs: 60_000 },
  /** Per client IP: database look-ups of API keys no gate knows yet (unknown keys cost this, valid ones once a minute). */
  keyLookup: { limit: 100, windowMs: 60_000 },
} as const;

/** `dedicated` endpoints and signed-URL transfers are not limited per key. */
export type RateCategory = keyof typeof RATE_LIMITS | "dedicated" | "none";

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the oldest counted request leaves the window. */
  resetAt: number;
}
