import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { callbackRoute, handleCallback } from "./callback";
import { claimRoute, handleClaim } from "./claim";
import { handleHeartbeat, handleWait, heartbeatRoute, waitRoute } from "./fleet";
import { blobsRoute, commitRoute, handleBlobs, handleCommit, handlePutBlob, putBlobRoute } from "./ingest";
import { handleNdjsonPage, ndjsonPageRoute } from "./ndjson";
import { completeOutputRoute, handleCompleteOutput, handleOutputs, outputsRoute } from "./outputs";
import { handlePutOutput, handlePutOutputPart, putOutputPartRoute, putOutputRoute } from "./output-upload";

/** The gpu-runner side of the job protocol (src/protocol/jobs.ts): fleet token, signed URLs, signed callbacks. */
export function registerRunnerRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, heartbeatRoute, handleHeartbeat);
  mount(app, waitRoute, handleWait);
  mount(app, claimRoute, handleClaim);
  mount(app, outputsRoute, handleOutputs);
  mount(app, putOutputRoute, handlePutOutput);
  mount(app, putOutputPartRoute, handlePutOutputPart);
  mount(app, completeOutputRoute, handleCompleteOutput);
  mount(app, blobsRoute, handleBlobs);
  mount(app, putBlobRoute, handlePutBlob);
  mount(app, commitRoute, handleCommit);
  mount(app, ndjsonPageRoute, handleNdjsonPage);
  // The body is read raw (signature first): documented with its schema, validated in the handler.
  mount(app, callbackRoute, handleCallback, { validateBody: false });
}
