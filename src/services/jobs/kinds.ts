import type { Deps } from "../../context";
import type { Env } from "../../env";
import type { Queryable } from "../../db/client";
import { findExportByJob, setExportFile } from "../../db/exports";
import type { JobRow } from "../../db/jobs";
import { currentWeights, findModel, updateModelFields, type WeightsFile } from "../../db/models";
import { finishProcessing } from "../../db/datasets";
import type { IngestSpec } from "../../protocol/ingest";
import type { JobKind, TrainResult } from "../../db/schema";
import { addObject } from "../../db/storage";
import { ApiError } from "../../errors";
import { jobOutputPrefix } from "../../storage/keys";
import { signedDownloadUrl } from "../../storage/signed-url";
import { datasetOfTrainArgs } from "../datasets";
import { publishBuild } from "./ndjson-build";
import { trainCompleted, trainEnded, trainEnv, trainInputs } from "../training/train-kind";

const INPUT_URL_TTL_MS = 6 * 60 * 60 * 1000;

import type { JobOutput } from "../../protocol/jobs";
export type { JobOutput };

export interface CompletedResult {
  outputs: JobOutput[];
  result: Record<string, unknown>;
}

export type SignedInput = { name: string; size: number; url: string };

/** What differs between kinds of job: the inputs a runner gets, and what completion books. */
interface JobKindHandler {
  inputs(deps: Deps, job: JobRow): Promise<Record<string, SignedInput>>;
  /** Runs inside the completion transaction, after the outputs were checked to exist. */
  complete(tx: Queryable, deps: Deps, job: JobRow, done: CompletedResult): Promise<void>;
  /** Runs in the transaction that fails or cancels the job, whoever moved it (runner, user, sweeper). */
  ended?(tx: Queryable, job: JobRow, env?: Env): Promise<void>;
  /** Variables the claim hands the runner for the job's process (a training job's own key). */
  env?(deps: Deps, job: JobRow): Promise<Record<string, string>>;
}

async function sign(deps: Deps, file: { objectKey: string; name: string; sizeBytes: number }): Promise<SignedInput> {
  const url = await signedDownloadUrl(
    deps.env.SIGNING_SECRET,
    deps.baseUrl,
    file.objectKey,
    file.name,
    new Date(deps.now().getTime() + INPUT_URL_TTL_MS),
  );
  return { name: file.name, size: file.sizeBytes, url };
}

/** The weights the job names (pinned when it was made); jobs from before pinning take the current ones. */
async function weightsInput(deps: Deps, job: JobRow): Promise<Record<string, SignedInput>> {
  const pinned = (job.spec as { weights?: WeightsFile }).weights;
  const weights = pinned ?? (job.modelId ? await currentWeights(deps.db, job.modelId) : null);
  if (!weights) throw new ApiError("CONFLICT", "The model has no .pt weights to work from");
  return { weights: await sign(deps, weights) };
}

const HANDLERS: Partial<Record<JobKind, JobKindHandler>> = {
  predict: {
    async inputs(deps, job) {
      const spec = job.spec as {
        modelFile: { objectKey: string; name: string; sizeBytes: number };
        image: { objectKey: string; name: string; sizeBytes: number };
      };
      return { model: await sign(deps, spec.modelFile), image: await sign(deps, spec.image) };
    },
    // The result travels on the job row; the waiting request is woken after commit.
    async complete() {},
  },
  export: {
    inputs: weightsInput,
    async complete(tx, _deps, job, done) {
      const file = done.outputs[0];
      const row = await findExportByJob(tx, job.id);
      if (!file || !row) throw new ApiError("VALIDATION_ERROR", "An export completes with its file in outputs");
      await setExportFile(tx, row.id, { objectKey: file.key, sizeBytes: file.size, downloadFilename: file.name });
      await addObject(tx, {
        key: file.key,
        workspaceId: job.workspaceId,
        category: "exports",
        resourceId: job.modelId!,
        name: file.name,
        sizeBytes: file.size,
        contentType: file.contentType,
      });
    },
  },
  ingest: {
    async inputs(deps, job) {
      const upload = (job.spec as { upload?: { objectKey: string; name: string; sizeBytes: number } }).upload;
      const inputs: Record<string, SignedInput> = {};
      if (upload) inputs.source = await sign(deps, upload);
      return inputs;
    },
    async complete(tx, _deps, job) {
      await finishProcessing(tx, (job.spec as IngestSpec).datasetId, true);
    },
    async ended(tx, job) {
      await finishProcessing(tx, (job.spec as IngestSpec).datasetId, false);
    },
  },
  train: {
    inputs: trainInputs,
    env: trainEnv,
    complete: (tx, deps, job) => trainCompleted(tx, deps, job),
    ended: trainEnded,
  },
  ndjson: {
    async inputs() {
      return {};
    },
    complete: publishBuild,
  },
  inspect: {
    inputs: weightsInput,
    async complete(tx, deps, job, done) {
      const meta = done.result as InspectResult;
      const linkedDataset = await datasetOfTrainArgs(tx, meta.trainArgs, job.workspaceId);
      await updateModelFields(tx, job.modelId!, {
        ...(meta.task ? { task: meta.task } : {}),
        ...(meta.classNames ? { classNames: meta.classNames } : {}),
        ...(meta.imgsz ? { imgsz: meta.imgsz } : {}),
        ...(meta.parameters ? { parameters: meta.parameters } : {}),
        ...(meta.architecture ? { architecture: meta.architecture, baseModel: meta.architecture } : {}),
        ...(meta.trainArgs ? { trainArgs: meta.trainArgs } : {}),
        ...(linkedDataset ? { datasetId: linkedDataset } : {}),
        ...(meta.metrics ? { metrics: meta.metrics } : {}),
        ...(meta.trainResults?.length ? { trainResults: meta.trainResults, epochs: meta.trainResults.length } : {}),
        ...(meta.bestEpoch !== undefined ? { bestEpoch: meta.bestEpoch } : {}),
        ...(meta.bestFitness !== undefined ? { bestFitness: meta.bestFitness } : {}),
        ...(meta.version ? { ultralyticsVersion: meta.version } : {}),
        // A checkpoint with weights is a usable model; a run's checkpoints leave its state to the run.
        ...((await isTraining(tx, job.modelId!))
          ? {}
          : { status: "completed" as const, completedAt: meta.date ? new Date(meta.date) : deps.now() }),
        updatedAt: deps.now(),
      });
    },
  },
};

async function isTraining(tx: Queryable, modelId: string): Promise<boolean> {
  const status = (await findModel(tx, { id: modelId }))?.model.status;
  return status === "starting" || status === "running";
}

/** What the inspect executor reads out of a checkpoint. */
export interface InspectResult {
  task?: string;
  classNames?: string[];
  imgsz?: number;
  parameters?: number;
  architecture?: string;
  trainArgs?: Record<string, unknown>;
  metrics?: Record<string, number>;
  trainResults?: TrainResult[];
  bestEpoch?: number;
  bestFitness?: number;
  version?: string;
  date?: string;
}

/** A job failed or was cancelled: its kind puts back what it held (a dataset marked processing). */
export async function jobEnded(tx: Queryable, job: JobRow, env?: Env): Promise<void> {
  await HANDLERS[job.kind]?.ended?.(tx, job, env);
}

export function kindOf(kind: JobKind): JobKindHandler {
  const handler = HANDLERS[kind];
  if (!handler) throw new ApiError("CONFLICT", `No runner support for ${kind} jobs yet`);
  return handler;
}

/** Outputs must be this attempt's own objects, of the size reported. */
export async function checkOutputs(deps: Deps, job: JobRow, outputs: JobOutput[]): Promise<void> {
  const prefix = jobOutputPrefix(job);
  for (const output of outputs) {
    if (!output.key.startsWith(prefix))
      throw new ApiError("VALIDATION_ERROR", `Output ${output.name} is not an output of this attempt`);
    const head = await deps.bucket.head(output.key);
    if (!head) throw new ApiError("VALIDATION_ERROR", `Output ${output.name} was not uploaded`);
    if (head.size !== output.size)
      throw new ApiError("VALIDATION_ERROR", `Output ${output.name} holds ${head.size} bytes, not ${output.size}`);
  }
}
