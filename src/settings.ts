/**
 * The Worker's plain settings (wrangler.toml vars, secrets), parsed once per environment by one
 * zod schema: services read `settingsOf(env)`, never `Number(env.X) || default`. A value that does
 * not parse makes every request answer 503 with the setting's name (app.ts), as a misconfigured
 * session provider does.
 */
import { z } from "zod";
import type { Env } from "./env";

const MiB = 1024 * 1024;
const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );
const wholeNumber = (fallback: number, min: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === "" ? fallback : Number(value)))
    .pipe(z.number().int().min(min));

/** Ultralytics' own smallest models, as an instance that publishes them under `ultralytics/yolo26` names them. */
const DEFAULT_ANNOTATE_MODELS: Record<string, string> = {
  detect: "ul://ultralytics/yolo26/yolo26n",
  segment: "ul://ultralytics/yolo26/yolo26n-seg",
  pose: "ul://ultralytics/yolo26/yolo26n-pose",
  obb: "ul://ultralytics/yolo26/yolo26n-obb",
  classify: "ul://ultralytics/yolo26/yolo26n-cls",
};

const Settings = z.object({
  /** Seconds a claim holds a job between heartbeats. */
  JOB_LEASE_SECONDS: wholeNumber(60, 1),
  /** How long a synchronous predict waits for its job before answering 202. */
  PREDICT_WAIT_MS: wholeNumber(30_000, 0),
  /** From this many images a dataset's NDJSON is written by a runner (an `ndjson` job), not in the request. */
  NDJSON_RUNNER_FROM: wholeNumber(20_000, 1),
  /** Bytes per multipart part and the largest single PUT (R2 needs at least 5 MiB). */
  UPLOAD_PART_SIZE: wholeNumber(64 * MiB, 5 * MiB),
  DEBUG_TIMING: z
    .string()
    .optional()
    .transform((value) => value === "true"),
  CLIENT_IP_HEADER: z
    .string()
    .optional()
    .transform((value) => (value || "cf-connecting-ip").toLowerCase()),
  ALLOWED_ORIGINS: list,
  /** The model auto-annotate uses per task when the request names none: `task=ul://owner/project/model,...`. */
  AUTO_ANNOTATE_MODELS: list.transform((pairs) => ({
    ...DEFAULT_ANNOTATE_MODELS,
    ...Object.fromEntries(pairs.map((pair) => pair.split("=").map((part) => part.trim()))),
  })),
  OUTBOUND_ALLOW_HOSTS: list.transform((hosts) => hosts.map((host) => host.toLowerCase())),
  OUTBOUND_DNS_URL: z
    .string()
    .optional()
    .transform((value) => value || "https://cloudflare-dns.com/dns-query"),
});

export type Settings = z.output<typeof Settings>;

const parsed = new WeakMap<object, Settings | string>();

/** The settings of this environment, parsed on first use; throws the problem when one is invalid. */
export function settingsOf(env: Env): Settings {
  let settings = parsed.get(env);
  if (settings === undefined) {
    const result = Settings.safeParse(env);
    settings = result.success
      ? result.data
      : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    parsed.set(env, settings);
  }
  if (typeof settings === "string") throw new Error(`invalid settings: ${settings}`);
  return settings;
}

/** Why the settings cannot be used, or undefined when they can. */
export function settingsProblem(env: Env): string | undefined {
  try {
    settingsOf(env);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
