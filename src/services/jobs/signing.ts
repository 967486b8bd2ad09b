import { hmacHex } from "../../crypto";

/**
 * Each job's callback secret is derived from the Worker's signing secret and the job id, so it
 * is never stored: the claim hands it to the runner, the webhook route re-derives it to verify.
 */
export async function jobSecret(signingSecret: string, jobId: string): Promise<string> {
  return hmacHex(signingSecret, `job-callback:${jobId}`);
}
