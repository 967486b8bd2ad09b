/** The spec's per-key limits: one independent sliding window per category. */
export const RATE_LIMITS = {
  default: { limit: 100, windowMs: 60_000 },
  training: { limit: 10, windowMs: 60_000 },
  upload: { limit: 10, windowMs: 60_000 },
  predict: { limit: 20, windowMs: 60_000 },
  export: { limit: 20, windowMs: 60_000 },
  download: { limit: 30, windowMs: 60_000 },
  /**
   * EdgeHub's own: what a training run's package sends (an event every few seconds, console
   * batches every 5 s, checkpoints), sized for 50 runs at once on one key.
   */
  webhooks: { limit: 3000, windowMs: 60_000 },
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
