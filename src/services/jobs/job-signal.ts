import { DurableObject } from "cloudflare:workers";
import type { JobQueue } from "../../db/schema";

/** A waiting runner hears about new jobs this long at most before it asks again. */
export const MAX_WAIT_MS = 25_000;

export interface JobSignalAnswer {
  /** Per queue, a count that grows by one with every job signalled. */
  generations: Record<string, number>;
  /** True when a queue moved past what the runner had seen. */
  woke: boolean;
}

/**
 * One for the fleet: an idle runner waits here (a long poll) to hear that a job was queued on one
 * of its queues, and pulls at once instead of at its next poll. A hint only: the queue still
 * delivers every job, and a runner that misses a hint (this object restarted, or it was between
 * waits) pulls at its poll interval anyway.
 */
export class JobSignal extends DurableObject {
  private generations = new Map<string, number>();
  private waiters = new Set<() => void>();
  /**
   * Counts start at this object's start time, so after a restart they are past anything a runner
   * saw before it: the runner's next wait answers at once (one spare pull) rather than missing hints.
   */
  private readonly start = Date.now();

  private generation(queue: string): number {
    return this.generations.get(queue) ?? this.start;
  }

  async wait(
    queues: JobQueue[],
    seen: Record<string, number> | undefined,
    timeoutMs: number,
  ): Promise<JobSignalAnswer> {
    const moved = () => seen !== undefined && queues.some((queue) => this.generation(queue) > (seen[queue] ?? 0));
    // A first call only learns where the counts stand.
    if (seen !== undefined && !moved()) {
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        };
        const check = () => {
          if (moved()) finish();
        };
        const timer = setTimeout(finish, Math.min(timeoutMs, MAX_WAIT_MS));
        this.waiters.add(check);
      });
    }
    return { generations: Object.fromEntries(queues.map((queue) => [queue, this.generation(queue)])), woke: moved() };
  }

  async signal(queue: JobQueue): Promise<void> {
    this.generations.set(queue, this.generation(queue) + 1);
    for (const check of [...this.waiters]) check();
  }
}

function signalObject(env: { JOB_SIGNAL: DurableObjectNamespace<JobSignal> }) {
  return env.JOB_SIGNAL.get(env.JOB_SIGNAL.idFromName("fleet"));
}

export async function signalQueued(
  env: { JOB_SIGNAL: DurableObjectNamespace<JobSignal> },
  queue: JobQueue,
): Promise<void> {
  await signalObject(env).signal(queue);
}

export async function waitForJobs(
  env: { JOB_SIGNAL: DurableObjectNamespace<JobSignal> },
  queues: JobQueue[],
  seen: Record<string, number> | undefined,
  timeoutMs: number,
): Promise<JobSignalAnswer> {
  return signalObject(env).wait(queues, seen, timeoutMs);
}
