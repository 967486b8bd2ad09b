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
        resolve({
          ms: Number(process.hrtime.bigint() - start) / 1e6,
          status: response.statusCode ?? 0,
          timing: response.headers["server-timing"] as string | undefined,
        }),
      );
    });
    request.on("error", reject);
  });
}

function record(
  sample: Sample,
  target: Target,
  result: { ms: number; status: number; timing: string | undefined },
): void {
  sample.requests += 1;
  if (result.status >= 400 && result.status !== target.expectStatus) sample.errors += 1;
  sample.latenciesMs.push(result.ms);
  for (const metric of result.timing?.split(",") ?? []) {
    const match = /^\s*([\w-]+);dur=([\d.]+)/.exec(metric);
    if (match) (sample.serverTiming[match[1]!] ??= []).push(Number(match[2]));
  }
}

export async function run(target: Target, seconds: number, concurrency: number, offset = 0): Promise<Sample> {
  const sample: Sample = { latenciesMs: [], requests: 0, seconds, errors: 0, serverTiming: {} };
  const deadline = Date.now() + seconds * 1000;
  let next = offset;
  const worker = async () => {
    while (Date.now() < deadline) record(sample, target, await once(target, next++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return sample;
}

/**
 * Latency at concurrency 1 of several targets, `seconds` each, taken in turns of `sliceSeconds`:
 * the machine's drift (these machines are noisy) lands on every target alike, so their ratios
 * hold still. Turns, not single requests: a request must not pay for the background work (a
 * connection closing) the previous target left behind.
 */
export async function interleave(
  targets: Record<string, Target>,
  seconds: number,
  sliceSeconds = 0.25,
): Promise<Record<string, Sample>> {
  const samples: Record<string, Sample> = {};
  for (let done = 0; done < seconds; done += sliceSeconds) {
    for (const [name, target] of Object.entries(targets)) {
      const slice = await run(target, sliceSeconds, 1, samples[name]?.requests ?? 0);
      const sample = (samples[name] ??= { latenciesMs: [], requests: 0, seconds: 0, errors: 0, serverTiming: {} });
      sample.latenciesMs.push(...slice.latenciesMs);
      sample.requests += slice.requests;
      sample.errors += slice.errors;
      sample.seconds += slice.seconds;
      for (const [metric, values] of Object.entries(slice.serverTiming))
        (sample.serverTiming[metric] ??= []).push(...values);
    }
  }
  return samples;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
