import { describe, expect, it } from "vitest";
import type { JobStatus } from "../../src/db/schema";
import { ApiError } from "../../src/errors";
import { transition, type JobEvent } from "../../src/services/jobs/state-machine";

const STATUSES: JobStatus[] = ["queued", "starting", "running", "completed", "failed", "cancelled"];
const EVENTS: JobEvent[] = ["claim", "start", "complete", "fail", "cancel", "lapse", "touch"];

/** A terminal status refuses every event alike. */
function everyEvent(answer: `refused: ${string}`): Record<JobEvent, `refused: ${string}`> {
  return { claim: answer, start: answer, complete: answer, fail: answer, cancel: answer, lapse: answer, touch: answer };
}

/** Every move, written out: the status it leads to, or the conflict reason it is refused with. */
const EXPECTED: Record<JobStatus, Record<JobEvent, JobStatus | `refused: ${string}`>> = {
  queued: {
    claim: "starting",
    start: "refused: superseded",
    complete: "refused: superseded",
    fail: "failed",
    cancel: "cancelled",
    lapse: "refused: superseded",
    touch: "refused: superseded",
  },
  starting: {
    claim: "refused: lease-held",
    start: "running",
    complete: "completed",
    fail: "failed",
    cancel: "cancelled",
    lapse: "queued",
    touch: "starting",
  },
  running: {
    claim: "refused: lease-held",
    start: "refused: superseded",
    complete: "completed",
    fail: "failed",
    cancel: "cancelled",
    lapse: "queued",
    touch: "running",
  },
  completed: everyEvent("refused: finished"),
  failed: everyEvent("refused: finished"),
  cancelled: everyEvent("refused: cancelled"),
};

function outcome(status: JobStatus, event: JobEvent, leaseLapsed = false): string {
  try {
    return transition(status, event, { leaseLapsed });
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "CONFLICT") throw error;
    return `refused: ${error.details?.reason}`;
  }
}

describe("the job state machine", () => {
  for (const status of STATUSES) {
    for (const event of EVENTS) {
      it(`${status} + ${event} -> ${EXPECTED[status][event]}`, () => {
        expect(outcome(status, event)).toBe(EXPECTED[status][event]);
      });
    }
  }

  it("lets a claim take a starting or running job only once its lease lapsed (its runner died)", () => {
    expect(outcome("starting", "claim", true)).toBe("starting");
    expect(outcome("running", "claim", true)).toBe("starting");
    expect(outcome("completed", "claim", true)).toBe("refused: finished");
  });
});
