import { DurableObject } from "cloudflare:workers";

export type JobOutcome =
  | { status: "completed"; result: Record<string, unknown> }
  | { status: "failed" | "cancelled"; error: string };

/** Outcomes are kept this long, so a request that starts waiting late still finds one. */
const KEEP_MS = 5 * 60 * 1000;

/**
 * One per job (named by its id): a request waiting for a synchronous predict sleeps here until
 * the completion callback wakes it, instead of polling the database.
 */
export class JobWaiter extends DurableObject {
  private outcome?: JobOutcome;
  private waiters: ((outcome: JobOutcome | null) => void)[] = [];

  /** The outcome, or null when none arrives within `timeoutMs`. */
  async wait(timeoutMs: number): Promise<JobOutcome | null> {
    if (this.outcome) return this.outcome;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== wake);
        resolve(null);
      }, timeoutMs);
      const wake = (outcome: JobOutcome | null) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      this.waiters.push(wake);
    });
  }

  async notify(outcome: JobOutcome): Promise<void> {
    this.outcome = outcome;
    for (const wake of this.waiters.splice(0)) wake(outcome);
    await this.ctx.storage.setAlarm(Date.now() + KEEP_MS);
  }

  /** Forget the outcome: the object has nothing left to do. */
  override async alarm(): Promise<void> {
    this.outcome = undefined;
  }
}

/** Wakes a request that may be waiting on this job (a synchronous predict). */
export async function wakeWaiter(
  env: { JOB_WAITER: DurableObjectNamespace<JobWaiter> },
  jobId: string,
  outcome: JobOutcome,
): Promise<void> {
  await env.JOB_WAITER.get(env.JOB_WAITER.idFromName(jobId)).notify(outcome);
}
