import type { JobSignal } from "./services/jobs/job-signal";
import type { JobWaiter } from "./services/jobs/job-waiter";
import type { KeyGate } from "./ratelimit/key-gate";

/** Bindings and secrets of the API Worker (wrangler.toml and `wrangler secret put`). */
export interface Env {
  /** Neon (production) or any Postgres reachable through the local proxy. */
  DATABASE_URL: string;
  /** Local only: host:port of the proxy in front of Postgres/PGlite (WebSocket bridge and POST /sql). */
  DB_WS_PROXY?: string;
  /** "false" sends every query over the WebSocket, for a Postgres whose proxy serves no SQL over HTTP. */
  DB_HTTP_QUERIES?: string;
  /** HS256 secret for signed upload/download URLs. */
  SIGNING_SECRET: string;
  /** Dev/self-hosted sessions: HS256 secret of session JWTs. */
  SESSION_JWT_SECRET?: string;
  /** Production sessions: JWKS of the identity provider (for example Cloudflare Access); needs SESSION_ISSUER and SESSION_AUDIENCE. */
  SESSION_JWKS_URL?: string;
  SESSION_ISSUER?: string;
  SESSION_AUDIENCE?: string;
  /** The header that carries the client's address, set by the proxy in front (default cf-connecting-ip). */
  CLIENT_IP_HEADER?: string;
  /** "true" adds Server-Timing (auth, rate limit, db, total) and Timing-Allow-Origin to answers: local debugging only. */
  DEBUG_TIMING?: string;
  /** Origins, besides the API's own, whose pages may send cookie-authenticated writes (comma-separated). */
  ALLOWED_ORIGINS?: string;
  /** Auto-annotate's model per task when a request names none: `detect=ul://owner/project/model,...`. */
  AUTO_ANNOTATE_MODELS?: string;
  /** The gpu-runner fleet's shared token for claiming jobs. */
  RUNNER_TOKEN?: string;
  /** Seconds a claim holds a job between heartbeats (default 60). */
  JOB_LEASE_SECONDS?: string;
  /** Base URL for signed URLs when the Worker sits behind a proxy; defaults to the request origin. */
  PUBLIC_BASE_URL?: string;
  /** From this many images a dataset's NDJSON is built by a runner, GET .../export answering 409 meanwhile (default 20000). */
  NDJSON_RUNNER_FROM?: string;
  /** Bytes per multipart part and the largest single PUT (default 64 MiB; R2 needs >= 5 MiB). */
  UPLOAD_PART_SIZE?: string;
  /** Hosts ("host" or "host:port") user-given URLs may reach though not public: local setups only. */
  OUTBOUND_ALLOW_HOSTS?: string;
  /** DNS-over-HTTPS JSON endpoint that resolves user-given hosts (default Cloudflare's). */
  OUTBOUND_DNS_URL?: string;
  BUCKET: R2Bucket;
  KEY_GATE: DurableObjectNamespace<KeyGate>;
  JOB_WAITER: DurableObjectNamespace<JobWaiter>;
  /** Wakes idle runners when a job is queued (see services/jobs/job-signal.ts). */
  JOB_SIGNAL: DurableObjectNamespace<JobSignal>;
  /** How long a synchronous predict waits for its job before answering 202 (ms, default 30000). */
  PREDICT_WAIT_MS?: string;
  GPU_JOBS?: Queue;
  CPU_JOBS?: Queue;
  CLI_JOBS?: Queue;
  PREDICT_JOBS?: Queue;
  ASSETS?: Fetcher;
  /** Local only: workers/queue-gateway, which serves the queues' pull API (npm run dev binds it). */
  QUEUE_GATEWAY?: Fetcher;
}
