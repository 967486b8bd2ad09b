import type { ApiClient, Claim, UploadedOutput } from "../api-client";
import type { RunnerConfig } from "../config";

/** What an executor gets for one job: its claim, a way to report, and a signal that says stop. */
export interface JobContext {
  claim: Claim;
  config: RunnerConfig;
  api: ApiClient;
  /** Aborted when the job is cancelled or another attempt took it over, or the runner shuts down. */
  signal: AbortSignal;
  /** A folder of this job's own, removed afterwards. */
  workDir: string;
  log(line: string): void;
  progress(progress: Record<string, unknown>): Promise<void>;
  metrics(step: number, metrics: Record<string, number>): Promise<void>;
  uploadOutput(name: string, source: Uint8Array | string, contentType?: string): Promise<UploadedOutput>;
}

export interface ExecutorResult {
  outputs?: UploadedOutput[];
  result?: Record<string, unknown>;
  gpuSeconds?: number;
}

export type Executor = (context: JobContext) => Promise<ExecutorResult>;
