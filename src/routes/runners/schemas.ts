import { z } from "@hono/zod-openapi";
import * as ingest from "../../protocol/ingest";
import * as protocol from "../../protocol/jobs";

// The runner protocol's schemas (src/protocol/jobs.ts), named for the OpenAPI document.
export const RunnerHeartbeat = protocol.RunnerHeartbeat.openapi("RunnerHeartbeat");
export const RunnerHeartbeatResponse = protocol.RunnerHeartbeatResponse.openapi("RunnerHeartbeatResponse");
export const RunnerWait = protocol.RunnerWait.openapi("RunnerWait");
export const RunnerWaitResponse = protocol.RunnerWaitResponse.openapi("RunnerWaitResponse");
export const ClaimBody = protocol.ClaimRequest.openapi("JobClaim");
export const ClaimResponse = protocol.Claim.openapi("JobClaimResponse");
export const OutputRequest = protocol.OutputRequest.openapi("JobOutputRequest");
export const OutputResponse = protocol.SignedOutput.openapi("JobOutputResponse");
export const OutputPartResponse = protocol.OutputPart.openapi("JobOutputPartResponse");
export const OutputCompleteBody = protocol.OutputComplete.openapi("JobOutputComplete");
export const OutputCompleteResponse = protocol.OutputCompleteResponse.openapi("JobOutputCompleteResponse");
export const OutputTokenQuery = z.object({ token: z.string().optional() });
export const JobCallbackBody = protocol.JobCallback.openapi("JobCallback");
export const JobCallbackResponse = protocol.JobCallbackResponse.openapi("JobCallbackResponse");
export const BlobsRequest = ingest.BlobsRequest.openapi("IngestBlobsRequest");
export const BlobsResponse = ingest.BlobsResponse.openapi("IngestBlobsResponse");
export const CommitRequest = ingest.CommitRequest.openapi("IngestCommitRequest");
export const CommitResponse = ingest.CommitResponse.openapi("IngestCommitResponse");
