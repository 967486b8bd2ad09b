import { z } from "@hono/zod-openapi";

const num = (min: number, max: number) => z.number().min(min).max(max);
const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * The training arguments the contract knows, with its ranges. Training requests are validated
 * against it; a checkpoint's own train_args (108 settings, absolute paths) are shown through it.
 */
export const TRAIN_ARG_RULES = {
  model: z
    .string()
    .regex(
      /^(?:[A-Za-z0-9][A-Za-z0-9_.-]*\.(?:pt|ya?ml)|ul:\/\/[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*)$/,
    ),
  data: z.string().regex(/^ul:\/\/[A-Za-z0-9][A-Za-z0-9_.-]*\/datasets\/[A-Za-z0-9][A-Za-z0-9_.-]*$/),
  classes: z.union([z.array(z.number().int().min(0)), z.null()]),
  lr0: num(0.0001, 0.1),
  lrf: num(0.01, 1),
  momentum: num(0.6, 0.98),
  weight_decay: num(0, 0.001),
  warmup_epochs: num(0, 5),
  warmup_momentum: num(0.5, 0.95),
  warmup_bias_lr: num(0, 0.2),
  optimizer: z.enum(["auto", "SGD", "MuSGD", "Adam", "AdamW", "NAdam", "RAdam", "RMSProp", "Adamax"]),
  box: num(1, 50),
  cls: num(0.2, 4),
  dfl: num(0.4, 6),
  pose: num(1, 50),
  kobj: num(0.5, 10),
  hsv_h: num(0, 0.1),
  hsv_s: num(0, 1),
  hsv_v: num(0, 1),
  degrees: num(-45, 45),
  translate: num(0, 1),
  scale: num(0, 1),
  shear: num(-10, 10),
  perspective: num(0, 0.001),
  flipud: num(0, 1),
  fliplr: num(0, 1),
  mosaic: num(0, 1),
  mixup: num(0, 1),
  copy_paste: num(0, 1),
  epochs: int(1, 10000),
  batch: int(-1, 512),
  imgsz: int(32, 4096),
  pretrained: z.boolean(),
  patience: int(1, 1000),
  time: z.union([num(0.1, 720), z.null()]),
  seed: int(0, 2147483647),
  deterministic: z.boolean(),
  amp: z.boolean(),
  cos_lr: z.boolean(),
  compile: z.union([z.boolean(), z.enum(["default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs"])]),
  close_mosaic: int(0, 50),
  save_period: int(-1, 100),
  fraction: num(0.1, 1),
  freeze: z.union([int(0, 100), z.null()]),
  single_cls: z.boolean(),
  rect: z.boolean(),
  multi_scale: num(0, 0.9),
  val: z.boolean(),
  resume: z.boolean(),
  device: z.enum(["0", "auto", "cpu", "mps"]),
  cache: z.enum(["ram", "disk", "false"]),
  workers: int(0, 64),
  dropout: num(0, 1),
  iou: num(0.1, 0.9),
  max_det: int(1, 10000),
} as const;

/** Known arguments only where they satisfy the contract's rule; others pass as they are. */
export function presentTrainArgs(args: Record<string, unknown> | null): Record<string, unknown> | undefined {
  if (!args) return undefined;
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    const rule = (TRAIN_ARG_RULES as Record<string, z.ZodType>)[key];
    if (!rule || rule.safeParse(value).success) shown[key] = value;
  }
  return shown;
}
