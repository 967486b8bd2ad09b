import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { ApiClient, JobGoneError, type Claim } from "./api-client";
import type { QueueName, RunnerConfig } from "./config";
import type { Executor, JobContext } from "./executors/types";
import { QueueClient, type QueueMessage } from "./queue-client";

const HEARTBEAT_MS = 15_000;
/** How long one wait for new jobs lasts before it is asked again. */
const WAIT_MS = 20_000;
/** After a hint, the first re-pull of an empty queue comes this soon, then twice as late each time. */
const HINT_FIRST_RETRY_MS = 5;

/**
 * One runner: pull -> claim -> execute -> report -> upload -> ack, on `concurrency` slots. It
 * announces itself (queues, GPU, formats) with heartbeats; jobs are kept alive by callbacks at a
 * third of the lease. SIGTERM: stop pulling, let running jobs finish within the grace period, then
 * hand the rest back (released) so another runner takes them at once.
 */
export class Runner {
  readonly api: ApiClient;
  private readonly queue: QueueClient;
  private runnerId?: string;
  private leaseMs = 60_000;
  private stopping = false;
  private readonly running = new Map<string, { abort: AbortController; claim: Claim; done: Promise<void> }>();
  private heartbeatTimer?: NodeJS.Timeout;
  private loops: Promise<void>[] = [];
  private readonly slots: Slots;
  /** Per queue: ends the poller's current pause early, when a hint says a job was queued. */
  private readonly wakers = new Map<QueueName, () => void>();
  /** Per queue: the next pause after an empty pull, shortened after a hint (message delivery lags the hint). */
  private readonly hintedPause = new Map<QueueName, number>();
  private readonly watching = new AbortController();

  constructor(
    readonly config: RunnerConfig,
    private readonly executors: Partial<Record<string, Executor>>,
    private readonly formats: string[],
    private readonly log: (line: string) => void = (line) => console.log(`[runner ${config.name}] ${line}`),
  ) {
    this.api = new ApiClient(config.apiUrl, config.runnerToken);
    this.queue = new QueueClient(config.queuePullUrl, config.queueToken, config.queueIds);
    this.slots = new Slots(config.concurrency);
  }

  async start(): Promise<void> {
    await this.announce();
    this.heartbeatTimer = setInterval(
      () => void this.announce().catch((error) => this.log(`heartbeat failed: ${error.message}`)),
      HEARTBEAT_MS,
    );
    this.log(
      `pulling ${this.config.queues.join(", ")} with ${this.config.concurrency} slot(s)${this.config.gpuType ? ` on ${this.config.gpuType}` : ""}, sandbox ${this.config.sandbox.mode}`,
    );
    if (this.config.sandbox.mode === "plain")
      this.log(
        'the plain sandbox hides no files from jobs: install bubblewrap, or run each job in a container (README, "The sandbox")',
      );
    this.loops = [...this.config.queues.map((queue) => this.poll(queue)), this.watch()];
  }

  /** Finishes or hands back what is running, then stops. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.heartbeatTimer);
    this.watching.abort();
    for (const wake of this.wakers.values()) wake();
    const grace = new Promise((resolve) => setTimeout(resolve, this.config.shutdownGraceMs));
    await Promise.race([Promise.all([...this.running.values()].map((job) => job.done)), grace]);
    for (const [jobId, job] of this.running) {
      this.log(`handing back ${jobId}`);
      job.abort.abort(new Error("runner shutting down"));
      await this.api.report(job.claim, { type: "released" }).catch(() => {});
    }
    await Promise.allSettled(this.loops);
    await this.slots.drained();
  }

  private async announce(): Promise<void> {
    const answer = await this.api.heartbeat({
      runnerId: this.runnerId,
      name: this.config.name,
      queues: this.config.queues,
      gpuType: this.config.gpuType,
      formats: this.formats,
      concurrency: this.config.concurrency,
    });
    this.runnerId = answer.runnerId;
    this.leaseMs = answer.leaseMs;
  }

  /**
   * One poller per queue, all sharing the runner's slots: a poller pulls only while it holds a free
   * slot (so a runner never takes more messages than it can run), keeps pulling at once while its
   * queue has work, and sleeps RUNNER_POLL_MS when it is empty. The queues are thus watched side by
   * side rather than one after another.
   */
  private async poll(queue: QueueName): Promise<void> {
    while (!this.stopping) {
      await this.slots.acquire();
      let message: QueueMessage | undefined;
      try {
        if (!this.stopping) [message] = await this.queue.pull(queue, 1, this.config.visibilityTimeoutMs);
      } catch (error) {
        this.log(`${queue}: ${(error as Error).message}`);
      }
      if (!message) {
        this.slots.release();
        if (!this.stopping) await this.pause(queue);
        continue;
      }
      this.hintedPause.delete(queue);
      if (this.stopping) {
        // Pulled while shutting down: straight back to the queue for another runner.
        await this.queue.ack(queue, [], [{ leaseId: message.leaseId, delaySeconds: 0 }]).catch(() => {});
        this.slots.release();
        continue;
      }
      void this.handle(queue, message)
        .catch((error) => this.log(`${queue}: ${(error as Error).message}`))
        .finally(() => this.slots.release());
    }
  }

  /** Waits RUNNER_POLL_MS before the next pull, or less after a hint, or until a hint arrives. */
  private async pause(queue: QueueName): Promise<void> {
    const hinted = this.hintedPause.get(queue);
    if (hinted !== undefined)
      this.hintedPause.set(queue, hinted * 2 < this.config.pollIntervalMs ? hinted * 2 : this.config.pollIntervalMs);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(wake, hinted ?? this.config.pollIntervalMs);
      function wake() {
        clearTimeout(timer);
        resolve();
      }
      this.wakers.set(queue, wake);
    });
    this.wakers.delete(queue);
  }

  /**
   * Long-polls the API for hints that jobs were queued, and cuts the matching pollers' pauses
   * short: an idle runner starts a job in milliseconds instead of at its next poll. Without
   * hints (an API that does not answer them) the pollers keep their interval.
   */
  private async watch(): Promise<void> {
    let seen: Record<string, number> | undefined;
    while (!this.stopping) {
      try {
        const answer = await this.api.waitForJobs(this.config.queues, seen, WAIT_MS, this.watching.signal);
        for (const queue of this.config.queues) {
          if (seen === undefined || (answer.generations[queue] ?? 0) <= (seen[queue] ?? 0)) continue;
          this.hintedPause.set(queue, HINT_FIRST_RETRY_MS);
          this.wakers.get(queue)?.();
        }
        seen = answer.generations;
      } catch {
        if (!this.stopping)
          await new Promise((resolve) => setTimeout(resolve, Math.max(this.config.pollIntervalMs, 1000)));
      }
    }
  }

  private async handle(queue: QueueName, message: QueueMessage): Promise<void> {
    const { jobId, kind, format, gpuType } = message.body;
    if (!jobId) return this.queue.ack(queue, [message.leaseId]);
    const otherFormat = kind === "export" && format && !this.formats.includes(format);
    const otherGpu = gpuType !== undefined && gpuType !== this.config.gpuType;
    if (kind && (!this.executors[kind] || otherFormat || otherGpu)) {
      // Not ours to run (no CLI, no GPU for this format): leave it, unclaimed, to a runner that can.
      return this.queue.ack(queue, [], [{ leaseId: message.leaseId, delaySeconds: 2 }]);
    }
    const { claim, reason, message: why } = await this.api.claim(jobId, this.runnerId!);
    if (!claim) {
      this.log(`${jobId}: not claimed (${reason ?? "no reason given"}: ${why})`);
      // Held by a live runner: look again once its lease could have lapsed. Anything else: drop it.
      if (reason === "lease-held")
        return this.queue.ack(queue, [], [{ leaseId: message.leaseId, delaySeconds: Math.ceil(this.leaseMs / 1000) }]);
      return this.queue.ack(queue, [message.leaseId]);
    }
    const abort = new AbortController();
    const done = this.execute(claim, abort);
    this.running.set(jobId, { abort, claim, done });
    try {
      await done;
    } finally {
      this.running.delete(jobId);
    }
    // A job handed back at shutdown goes back to the queue at once; anything else is done with.
    if (abort.signal.aborted && this.stopping)
      await this.queue.ack(queue, [], [{ leaseId: message.leaseId, delaySeconds: 0 }]);
    else await this.queue.ack(queue, [message.leaseId]);
  }

  private async execute(claim: Claim, abort: AbortController): Promise<void> {
    const { job } = claim;
    const workDir = path.join(this.config.workDir, `${job.id}-${job.attempt}`);
    mkdirSync(workDir, { recursive: true });
    let seq = 0;
    let logBuffer: { seq: number; line: string }[] = [];
    const flushLogs = async () => {
      if (!logBuffer.length) return;
      const lines = logBuffer;
      logBuffer = [];
      await this.api.report(claim, { type: "log", lines });
    };
    const guard = async <T>(work: Promise<T>): Promise<T> => {
      try {
        return await work;
      } catch (error) {
        if (error instanceof JobGoneError) abort.abort(error);
        throw error;
      }
    };
    const keepAlive = setInterval(
      () => void guard(flushLogs().then(() => this.api.report(claim, { type: "heartbeat" }))).catch(() => {}),
      Math.max(1000, this.leaseMs / 3),
    );
    const context: JobContext = {
      claim,
      config: this.config,
      api: this.api,
      signal: abort.signal,
      workDir,
      log: (line) => void logBuffer.push({ seq: seq++, line: line.slice(0, 10_000) }),
      progress: (progress) => guard(this.api.report(claim, { type: "progress", progress })).then(() => {}),
      metrics: (step, metrics) => guard(this.api.report(claim, { type: "metrics", step, metrics })).then(() => {}),
      uploadOutput: (name, source, contentType) => guard(this.api.uploadOutput(claim, name, source, contentType)),
    };
    // The executor starts while "started" is on its way (a round trip through the API, ~20 ms
    // of every predict); the final report waits for its answer, so the job still moves
    // starting -> running -> completed | failed in order.
    const started = guard(this.api.report(claim, { type: "started" }));
    const startedSettled = started.then(
      () => {},
      () => {},
    );
    try {
      const executor = this.executors[job.kind];
      if (!executor) throw new Error(`This runner has no executor for ${job.kind} jobs`);
      const outcome = await executor(context);
      await started;
      await guard(flushLogs());
      await guard(
        this.api.report(claim, {
          type: "completed",
          outputs: outcome.outputs ?? [],
          result: outcome.result ?? {},
          ...(outcome.gpuSeconds !== undefined ? { gpuSeconds: outcome.gpuSeconds } : {}),
        }),
      );
      this.log(`${job.id} (${job.kind}, attempt ${job.attempt}) completed`);
    } catch (error) {
      await startedSettled;
      if (abort.signal.aborted) {
        this.log(`${job.id} stopped: ${(abort.signal.reason as Error)?.message ?? "aborted"}`);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.log(`${job.id} failed: ${message}`);
      await flushLogs().catch(() => {});
      await this.api
        .report(claim, {
          type: "failed",
          error: { message, code: (error as { code?: string }).code ?? "EXECUTOR_ERROR" },
        })
        .catch(() => {});
    } finally {
      clearInterval(keepAlive);
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

/** A counting semaphore: `concurrency` jobs (or pulls that may become jobs) at a time. */
class Slots {
  private waiting: (() => void)[] = [];
  private idle: (() => void)[] = [];

  constructor(
    private readonly size: number,
    private free = size,
  ) {}

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) return next();
    this.free++;
    if (this.free === this.size) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Resolves once every slot is free again. */
  drained(): Promise<void> {
    return this.free === this.size ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}
