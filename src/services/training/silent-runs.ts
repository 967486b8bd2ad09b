/**
 * Runs that nothing watches end when they fall silent. A cloud run has its job's heartbeats; the
 * package's own runs and HUB sessions have only their events, and a trainer that crashes or is
 * killed sends no last one. The hourly cron ends as failed those that have said nothing (event,
 * heartbeat or console line) for SILENT_RUN_MS, generous beside the package's console every few
 * seconds and the HUB heartbeat every 5 minutes.
 */
import type { Deps } from "../../context";
import { failSilentRuns } from "../../db/training";

export const SILENT_RUN_MS = 2 * 60 * 60 * 1000;

export async function failSilentTrainingRuns(deps: Deps): Promise<number> {
  const now = deps.now();
  const ended = await failSilentRuns(deps.db, new Date(now.getTime() - SILENT_RUN_MS), {
    message: "The trainer stopped reporting for 2 hours; it most likely exited without a word",
    code: "TRAINER_SILENT",
    timestamp: now.toISOString(),
  });
  return ended.length;
}
