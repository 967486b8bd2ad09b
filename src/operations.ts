import type { KeyScope } from "./auth/scopes";
import type { RateCategory } from "./ratelimit/limits";

/**
 * Who may call an operation:
 * - public: anyone; a credential, when sent, must be valid
 * - key: an API key or a browser session
 * - session: a browser session only (the spec's "not available via API key")
 * - signed: the token in the URL (or the request's HMAC signature) is the authority
 * - runner: a gpu-runner holding the fleet's RUNNER_TOKEN
 */
export type Access = "public" | "key" | "session" | "signed" | "runner";

export interface OperationRule {
  access: Access;
  category: RateCategory;
  /** Honours Idempotency-Key (POSTs that create something). */
  idempotent?: boolean;
  /** Streams its body (no JSON size cap). */
  streamsBody?: boolean;
  /** The API key scope it needs; by default `read` for GET and `write` for anything else. */
  scope?: KeyScope;
  /** Its answer holds a secret shown once: an Idempotency-Key replay is refused, and the secret never stored. */
  mintsSecret?: boolean;
  /** Mounted only where `npm run dev` binds the local queue gateway; absent in production. */
  localOnly?: boolean;
  /** A cloud training job's own key may call it (only for its model): what `yolo train` calls. */
  trainingJobKey?: boolean;
}

/** The one table of every operation: access rule and rate-limit category, by operationId. */
export const OPERATIONS = {
  // health, docs
  get_api_health: { access: "public", category: "default" },

  // account and keys
  get_api_account_summary: { access: "key", category: "default" },
  get_api_api_keys: { access: "key", category: "default" },
  get_api_api_keys_keyId: { access: "key", category: "default" },
  post_api_api_keys: { access: "key", category: "default", idempotent: true, mintsSecret: true, scope: "admin" },
  delete_api_api_keys: { access: "key", category: "default", scope: "admin" },

  // projects (owner/slug operations from the contract, id-path operations from the docs)
  get_api_projects: { access: "public", category: "default" },
  get_api_projects_owner: { access: "public", category: "default" },
  get_api_projects_owner_project: { access: "public", category: "default" },
  get_api_projects_projectId: { access: "public", category: "default" },
  post_api_projects: { access: "key", category: "default", idempotent: true },
  patch_api_projects_projectId: { access: "key", category: "default" },
  patch_api_projects_owner_project: { access: "key", category: "default" },
  delete_api_projects_projectId: { access: "key", category: "default" },
  delete_api_projects_owner_project: { access: "key", category: "default" },
  post_api_projects_projectId_clone: { access: "session", category: "default", idempotent: true },
  post_api_projects_owner_project_clone: { access: "session", category: "default", idempotent: true },
  get_api_projects_projectId_icon: { access: "public", category: "default" },
  post_api_projects_projectId_icon: { access: "session", category: "upload", streamsBody: true },
  delete_api_projects_projectId_icon: { access: "session", category: "default" },

  // datasets (owner/slug operations from the contract, id-path operations from the docs)
  get_api_datasets: { access: "public", category: "default" },
  get_api_datasets_owner: { access: "public", category: "default" },
  post_api_datasets: { access: "key", category: "default", idempotent: true },
  get_api_datasets_datasetId: { access: "public", category: "default" },
  get_api_datasets_owner_dataset: { access: "public", category: "default" },
  patch_api_datasets_datasetId: { access: "key", category: "default" },
  patch_api_datasets_owner_dataset: { access: "key", category: "default" },
  delete_api_datasets_datasetId: { access: "key", category: "default" },
  delete_api_datasets_owner_dataset: { access: "key", category: "default" },
  get_api_datasets_datasetId_models: { access: "public", category: "default" },
  get_api_datasets_owner_dataset_models: { access: "public", category: "default" },
  post_api_datasets_ingest: { access: "key", category: "default", idempotent: true },
  get_api_datasets_datasetId_export: { access: "public", category: "download" },
  get_api_datasets_owner_dataset_export: { access: "public", category: "download" },
  post_api_datasets_datasetId_export: { access: "key", category: "default" },
  post_api_datasets_owner_dataset_export: { access: "key", category: "default" },
  patch_api_datasets_datasetId_export: { access: "key", category: "default" },
  patch_api_datasets_owner_dataset_export: { access: "key", category: "default" },
  post_api_datasets_datasetId_restore: { access: "key", category: "default" },
  post_api_datasets_owner_dataset_restore: { access: "key", category: "default" },
  get_api_datasets_datasetId_class_stats: { access: "public", category: "default" },
  get_api_datasets_owner_dataset_class_stats: { access: "public", category: "default" },
  post_api_datasets_datasetId_classes_merge: { access: "session", category: "default" },
  post_api_datasets_owner_dataset_classes_merge: { access: "session", category: "default" },
  post_api_datasets_datasetId_classes_delete: { access: "session", category: "default" },
  post_api_datasets_owner_dataset_classes_delete: { access: "session", category: "default" },
  post_api_datasets_datasetId_splits_redistribute: { access: "session", category: "default" },
  post_api_datasets_owner_dataset_splits_redistribute: { access: "session", category: "default" },
  post_api_datasets_datasetId_clone: { access: "session", category: "default", idempotent: true },
  post_api_datasets_owner_dataset_clone: { access: "session", category: "default", idempotent: true },
  get_api_datasets_datasetId_icon: { access: "public", category: "default" },
  post_api_datasets_datasetId_icon: { access: "session", category: "upload", streamsBody: true },
  delete_api_datasets_datasetId_icon: { access: "session", category: "default" },
  post_api_datasets_owner_dataset_ingest: { access: "key", category: "default", idempotent: true },

  // images of datasets (contract: /api/images/... and owner/slug; docs: under /api/datasets/{datasetId})
  get_api_datasets_owner_dataset_images: { access: "public", category: "default" },
  get_api_datasets_datasetId_images: { access: "public", category: "default" },
  post_api_datasets_owner_dataset_images: { access: "public", category: "default", scope: "read" },
  post_api_images_urls: { access: "public", category: "default", scope: "read" },
  post_api_datasets_datasetId_images_urls: { access: "public", category: "default", scope: "read" },
  get_api_images_imageId: { access: "key", category: "default" },
  patch_api_images_imageId: { access: "key", category: "default" },
  delete_api_images_imageId: { access: "key", category: "default" },
  delete_api_datasets_datasetId_images_hash: { access: "key", category: "default" },
  get_api_datasets_datasetId_images_hash_labels: { access: "public", category: "default" },
  put_api_datasets_datasetId_images_hash_labels: { access: "key", category: "default" },
  patch_api_images_bulk: { access: "key", category: "default" },
  patch_api_datasets_datasetId_images_bulk: { access: "key", category: "default" },
  delete_api_images_bulk: { access: "key", category: "default" },
  delete_api_datasets_datasetId_images_bulk: { access: "key", category: "default" },
  // auto-annotate runs the predict pipeline, so it counts against predict
  post_api_images_imageId_predict: { access: "key", category: "predict" },
  post_api_datasets_datasetId_predict: { access: "key", category: "predict" },

  // models (owner/slug operations from the contract, id-path operations from the docs)
  get_api_models: { access: "public", category: "default" },
  get_api_models_completed: { access: "key", category: "default" },
  get_api_models_owner_project: { access: "public", category: "default" },
  post_api_models: { access: "key", category: "default", idempotent: true },
  get_api_models_modelId: { access: "public", category: "default" },
  get_api_models_owner_project_model: { access: "public", category: "default" },
  patch_api_models_modelId: { access: "key", category: "default" },
  patch_api_models_owner_project_model: { access: "key", category: "default" },
  delete_api_models_modelId: { access: "key", category: "default" },
  delete_api_models_owner_project_model: { access: "key", category: "default" },
  get_api_models_modelId_files: { access: "public", category: "download" },
  get_api_models_owner_project_model_files: { access: "public", category: "download" },
  post_api_models_modelId_track_download: { access: "public", category: "default", scope: "read" },
  // Inference changes nothing the caller owns: a read key may predict.
  post_api_models_modelId_predict: { access: "public", category: "predict", streamsBody: true, scope: "read" },
  post_api_models_owner_project_model_predict: {
    access: "public",
    category: "predict",
    streamsBody: true,
    scope: "read",
  },
  // training progress: public models' anonymously; cancelling needs an editor (the docs' id form, a session)
  get_api_models_owner_project_model_training: { access: "public", category: "default" },
  get_api_models_modelId_training: { access: "public", category: "default" },
  delete_api_models_owner_project_model_training: { access: "key", category: "default" },
  delete_api_models_modelId_training: { access: "session", category: "default" },
  post_api_models_modelId_predict_token: { access: "session", category: "default" },
  post_api_models_modelId_predict_warmup: { access: "session", category: "default" },
  post_api_models_modelId_clone: { access: "session", category: "default", idempotent: true },
  post_api_models_owner_project_model_clone: { access: "session", category: "default", idempotent: true },

  // exports
  get_api_exports: { access: "key", category: "default" },
  post_api_exports: { access: "key", category: "export", idempotent: true },
  get_api_exports_exportId: { access: "key", category: "default" },
  delete_api_exports_exportId: { access: "key", category: "default" },
  post_api_exports_exportId_track_download: { access: "key", category: "default", scope: "read" },
  get_api_models_owner_project_model_exports: { access: "public", category: "default" },
  post_api_models_owner_project_model_exports: { access: "key", category: "export", idempotent: true },
  get_api_models_owner_project_model_exports_exportId: { access: "key", category: "default" },
  delete_api_models_owner_project_model_exports_exportId: { access: "key", category: "default" },

  // trash
  get_api_trash: { access: "key", category: "default" },
  post_api_trash: { access: "key", category: "default" },
  delete_api_trash: { access: "key", category: "default" },
  delete_api_trash_empty: { access: "session", category: "default" },

  // uploads and files
  post_api_upload_signed_url: { access: "key", category: "upload", idempotent: true },
  post_api_upload_complete: { access: "key", category: "upload" },
  get_api_upload_sessionId: { access: "key", category: "default" },
  put_api_upload_sessionId_object: { access: "signed", category: "none", streamsBody: true },
  put_api_upload_sessionId_parts_partNumber: { access: "signed", category: "none", streamsBody: true },
  get_api_dataset_exports_token_name: { access: "signed", category: "none" },
  get_api_dataset_exports_name: { access: "signed", category: "none" },
  get_api_dataset_images_file: { access: "signed", category: "none" },
  get_api_files_name: { access: "signed", category: "none" },
  get_api_storage: { access: "key", category: "default" },

  // the job pipeline: runners claim and report; owners read their jobs
  get_api_jobs_jobId: { access: "key", category: "default" },
  post_internal_runners_heartbeat: { access: "runner", category: "none" },
  post_internal_runners_wait: { access: "runner", category: "none" },
  post_internal_jobs_jobId_claim: { access: "runner", category: "none" },
  post_internal_jobs_jobId_outputs: { access: "runner", category: "none" },
  put_internal_jobs_jobId_outputs_object: { access: "signed", category: "none", streamsBody: true },
  put_internal_jobs_jobId_outputs_part: { access: "signed", category: "none", streamsBody: true },
  post_internal_jobs_jobId_outputs_complete: { access: "runner", category: "none" },
  post_api_webhooks_jobs_jobId: { access: "signed", category: "none" },

  // the HUB v1 API (hub-sdk, ultralytics.hub): the same keys, limits and policy as /api
  post_v1_auth: { access: "public", category: "default" },
  get_v1_models: { access: "public", category: "default" },
  post_v1_models: { access: "key", category: "default" },
  get_v1_models_modelId: { access: "public", category: "default" },
  patch_v1_models_modelId: { access: "key", category: "default" },
  delete_v1_models_modelId: { access: "key", category: "default" },
  post_v1_models_modelId: { access: "key", category: "webhooks" },
  get_v1_models_modelId_metrics: { access: "public", category: "default" },
  post_v1_agent_heartbeat_models_modelId: { access: "key", category: "webhooks" },
  post_v1_models_modelId_upload: { access: "key", category: "upload", streamsBody: true },
  post_v1_models_modelId_export: { access: "key", category: "export" },
  post_get_export: { access: "key", category: "default", scope: "read" },
  post_model_reset: { access: "key", category: "default" },
  get_v1_projects: { access: "key", category: "default" },
  get_v1_projects_projectId: { access: "public", category: "default" },
  get_v1_datasets: { access: "key", category: "default" },
  get_v1_datasets_datasetId: { access: "public", category: "default" },
  post_v1_projects: { access: "key", category: "default" },
  patch_v1_projects_projectId: { access: "key", category: "default" },
  delete_v1_projects_projectId: { access: "key", category: "default" },
  post_v1_datasets: { access: "key", category: "default" },
  patch_v1_datasets_datasetId: { access: "key", category: "default" },
  delete_v1_datasets_datasetId: { access: "key", category: "default" },
  post_v1_datasets_datasetId_upload: { access: "key", category: "upload", streamsBody: true },
  post_v1_predict_modelId: { access: "public", category: "predict", streamsBody: true, scope: "read" },

  // cloud training
  post_api_training_start: { access: "key", category: "training", idempotent: true },
  get_api_training_gpu_availability: { access: "public", category: "default" },

  // the ultralytics package while it trains (CLIENTS.md §3)
  post_api_webhooks_training_metrics: { access: "key", category: "webhooks", trainingJobKey: true },
  post_api_webhooks_models_upload: { access: "key", category: "webhooks", trainingJobKey: true },
  put_api_webhooks_models_checkpoints_filename: { access: "signed", category: "none", streamsBody: true },
  // `ul://` names, resolved with HEAD (Hono answers HEAD from the GET route)
  get_api_webhooks_datasets_user_slug_export: { access: "key", category: "webhooks", trainingJobKey: true },
  get_api_webhooks_models_user_project_model_download: {
    access: "key",
    category: "webhooks",
    trainingJobKey: true,
  },
  post_internal_jobs_jobId_images_blobs: { access: "runner", category: "none" },
  put_internal_jobs_jobId_blobs: { access: "signed", category: "none", streamsBody: true },
  post_internal_jobs_jobId_images_commit: { access: "runner", category: "none" },
  post_internal_jobs_jobId_ndjson: { access: "runner", category: "none" },
  post_internal_queues_queue_messages_pull: { access: "runner", category: "none", localOnly: true },
  post_internal_queues_queue_messages_ack: { access: "runner", category: "none", localOnly: true },
} as const satisfies Record<string, OperationRule>;

export type OperationId = keyof typeof OPERATIONS;

export function operationRule(operationId: string): OperationRule {
  const rule = (OPERATIONS as Record<string, OperationRule>)[operationId];
  if (!rule) throw new Error(`operation ${operationId} has no row in src/operations.ts`);
  return rule;
}

/** The scope an API key needs for an operation: its row's, else read for GET/HEAD and write for the rest. */
export function requiredScope(rule: OperationRule, method: string): KeyScope {
  return rule.scope ?? (["get", "head"].includes(method.toLowerCase()) ? "read" : "write");
}
