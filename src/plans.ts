/** What each plan allows. */
export const PLANS = {
  free: { storageBytes: 100 * 1024 ** 3 },
  pro: { storageBytes: 1024 ** 4 },
  enterprise: { storageBytes: 10 * 1024 ** 4 },
} as const;

export type Plan = keyof typeof PLANS;
