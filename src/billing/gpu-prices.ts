/**
 * Cents per GPU-hour by GPU type (the contract's GPU ids). Self-hosters set their own prices here;
 * the defaults follow the public cloud-training price list's order of magnitude.
 */
export const GPU_PRICE_CENTS_PER_HOUR = {
  "rtx-2000-ada": 24,
  "rtx-a4500": 25,
  "rtx-a5000": 27,
  "rtx-4000-ada": 26,
  l4: 39,
  a40: 40,
  "rtx-3090": 46,
  "rtx-a6000": 49,
  "rtx-pro-4000": 50,
  "rtx-pro-4500": 55,
  "rtx-4090": 59,
  "rtx-6000-ada": 77,
  l40s: 86,
  "rtx-pro-5000": 90,
  "rtx-5090": 89,
  l40: 99,
  "a100-80gb-pcie": 139,
  "a100-80gb-sxm": 149,
  "rtx-pro-6000": 179,
  "h100-pcie": 239,
  "h100-nvl": 279,
  "h100-sxm": 299,
  "h200-nvl": 339,
  "h200-sxm": 359,
  b200: 599,
  b300: 699,
  "jetson-thor-t5000": 60,
  "jetson-thor-t4000": 50,
  "jetson-agx-orin-64gb": 40,
  "jetson-agx-orin-32gb": 35,
  "jetson-orin-nx-16gb": 30,
  "jetson-orin-nx-8gb": 25,
  "jetson-orin-nano-8gb": 20,
  "jetson-orin-nano-4gb": 15,
} as const;

export type GpuType = keyof typeof GPU_PRICE_CENTS_PER_HOUR;
export const GPU_TYPES = Object.keys(GPU_PRICE_CENTS_PER_HOUR) as [GpuType, ...GpuType[]];

/** Memory of each GPU type, for the training estimate's answer. */
export const GPU_MEMORY_GB: Record<string, number> = {
  "rtx-2000-ada": 16,
  "rtx-a4500": 20,
  "rtx-a5000": 24,
  "rtx-4000-ada": 20,
  l4: 24,
  a40: 48,
  "rtx-3090": 24,
  "rtx-a6000": 48,
  "rtx-pro-4000": 24,
  "rtx-pro-4500": 32,
  "rtx-4090": 24,
  "rtx-6000-ada": 48,
  l40s: 48,
  "rtx-pro-5000": 48,
  "rtx-5090": 32,
  l40: 48,
  "a100-80gb-pcie": 80,
  "a100-80gb-sxm": 80,
  "rtx-pro-6000": 96,
  "h100-pcie": 80,
  "h100-nvl": 94,
  "h100-sxm": 80,
  "h200-nvl": 141,
  "h200-sxm": 141,
  b200: 180,
  b300: 288,
  cpu: 0,
};

/**
 * What cloud training may run on: the GPU types, and EdgeHub's `cpu` (a runner started with
 * GPU_TYPE=cpu, a laptop's): free unless CPU_PRICE_CENTS_PER_HOUR is set here.
 */
export const CPU_PRICE_CENTS_PER_HOUR = 0;
export const TRAINING_TYPES = [...GPU_TYPES, "cpu"] as const;

/** The default export GPU, as the Models guide says. */
export const DEFAULT_EXPORT_GPU: GpuType = "rtx-5090";

/** What `seconds` of this GPU cost, rounded up to the cent. */
export function gpuCostCents(gpuType: string, seconds: number): number {
  if (gpuType === "cpu") return Math.ceil((CPU_PRICE_CENTS_PER_HOUR * Math.max(0, seconds)) / 3600);
  const perHour = GPU_PRICE_CENTS_PER_HOUR[gpuType as GpuType] ?? GPU_PRICE_CENTS_PER_HOUR[DEFAULT_EXPORT_GPU];
  return Math.ceil((perHour * Math.max(0, seconds)) / 3600);
}

/** Credits granted to a new dev workspace (`npm run dev`). */
export const DEV_GRANT_CENTS = 10_000;
