/** A small keep-alive HTTP load generator: latency at concurrency 1, throughput at concurrency N. */
import http from "node:http";

export interface Target {
  url: string;
  /** Headers for the i-th request (lets a run rotate keys or client IPs). */
  headers?: (i: number) => Record<string, string>;
  /** An error status this target answers on purpose (not counted as an error). */
  expectStatus?: number;
}

export interface Sample {
  latenciesMs: number[];
  requests: number;
  seconds: number;
  errors: number;
  serverTiming: Record<string, number[]>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function once(target: Target, i: number): Promise<{ ms: number; status: number; timing: string | undefined }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const request = http.get(target.url, { agent, headers: target.headers?.(i) }, (response) => {
      response.resume();
      response.on("end", () =>
        resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, status: response.statusCode ?? 0, timing: response.headers["server-timing"] as string | undefined }),
      );
    });
    request.on("error", reject);
  });
}

export async function run(target: Target, seconds: number, concurrency: number, offset = 0): Promise<Sample> {
  const sample: Sample = { latenciesMs: [], requests: 0, seconds, errors: 0, serverTiming: {} };
  const deadline = Date.now() + seconds * 1000;
  let next = offset;
  const worker = async () => {
    while (Date.now() < deadline) {
      const { ms, status, timing } = await once(target, next++);
      sample.requests += 1;
      if (status >= 400 && status !== target.expectStatus) sample.errors += 1;
      sample.latenciesMs.push(ms);
      for (const metric of timing?.split(",") ?? []) {
        const match = /^\s*([\w-]+);dur=([\d.]+)/.exec(metric);
        if (match) (sample.serverTiming[match[1]!] ??= []).push(Number(match[2]));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return sample;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
