/**
 * HUB v1 models (CLIENTS.md §1, §2) over the same models as /api: a model made here is the model
 * /api shows. This file maps HUB's bodies and documents onto the model services; the document's
 * URLs (best and last weights, the dataset's NDJSON) download without a header.
 */
import { isSignedIn, type Actor } from "../../auth/actor";
import type { Deps } from "../../context";
import {
  currentFiles,
  deleteModelFiles,
  listHubModels,
  updateModelFields,
  type ModelFileRow,
  type ModelView,
} from "../../db/models";
import { releaseObject } from "../../db/storage";
import { deleteRunsOf } from "../../db/training";
import { findProject } from "../../db/projects";
import { ApiError } from "../../errors";
import { signedDownloadUrl } from "../../storage/signed-url";
import { getDataset } from "../datasets";
import { createModel, getModel, getWritableModel, trashModel, viewerId } from "../models";
import { createProject } from "../projects";
import { deleteFromTrash } from "../trash";
import { datasetDownloadUrl } from "./resources";
import { datasetUlName } from "../ul-uri";

/** HUB clients keep the URLs of a model document for a whole training run. */
const DOCUMENT_URL_MS = 7 * 24 * 3600 * 1000;
/** Where models made without a projectId go: the HUB had no projects requirement. */
const DEFAULT_PROJECT = "hub-models";

export interface HubModelBody {
  meta?: { name?: string };
  projectId?: string;
  datasetId?: string;
  config?: {
    batchSize?: number;
    cache?: string | boolean;
    device?: string | number;
    epochs?: number;
    imageSize?: number;
    patience?: number;
  };
  dataset?: { name?: string };
  lineage?: { architecture?: { name?: string }; parent?: { name?: string } };
}

export interface HubDocumentParts {
  view: ModelView;
  files: ModelFileRow[];
  weightsUrl: string | null;
  resumeUrl: string | null;
  dataUrl: string | null;
}

/** A model as a HUB document needs it: its files, and download URLs that need no header. */
export async function hubModel(deps: Deps, actor: Actor, id: string): Promise<HubDocumentParts> {
  const { view } = await getModel(deps, actor, { id });
  return documentParts(deps, actor, view);
}

async function documentParts(deps: Deps, actor: Actor, view: ModelView): Promise<HubDocumentParts> {
  const files = await currentFiles(deps.db, view.model.id);
  const expiresAt = new Date(deps.now().getTime() + DOCUMENT_URL_MS);
  const url = async (name: string) => {
    const file = files.find((f) => f.name === name);
    return file ? signedDownloadUrl(deps.env.SIGNING_SECRET, deps.baseUrl, file.objectKey, file.name, expiresAt) : null;
  };
  return {
    view,
    files,
    weightsUrl: await url("best.pt"),
    resumeUrl: await url("last.pt"),
    dataUrl: view.model.datasetId ? await datasetDownloadUrl(deps, actor, { id: view.model.datasetId }) : null,
  };
}

/** HUB's `config` (camelCase) as the trainer's arguments; only what was given. */
function trainArgsOf(config: NonNullable<HubModelBody["config"]>): Record<string, unknown> {
  return {
    ...(config.epochs !== undefined ? { epochs: config.epochs } : {}),
    ...(config.imageSize !== undefined ? { imgsz: config.imageSize } : {}),
    ...(config.batchSize !== undefined ? { batch: config.batchSize } : {}),
    ...(config.patience !== undefined ? { patience: config.patience } : {}),
    ...(config.device !== undefined ? { device: String(config.device) } : {}),
    ...(config.cache !== undefined ? { cache: String(config.cache) } : {}),
  };
}

/** `POST /v1/models`: the HUB body as a model of the project named (or the caller's `hub-models`). */
export async function createHubModel(deps: Deps, actor: Actor, body: HubModelBody): Promise<HubDocumentParts> {
  if (!isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
  const projectId = body.projectId ?? (await defaultProject(deps, actor));
  const dataset = body.datasetId ? await getDataset(deps, actor, { id: body.datasetId }) : undefined;
  const parent = body.lineage?.parent?.name;
  const architecture = body.lineage?.architecture?.name;
  const trainArgs: Record<string, unknown> = {
    ...(parent || architecture ? { model: parent ?? architecture } : {}),
    ...(dataset ? { data: datasetUlName(dataset.owner, dataset.dataset.slug) } : {}),
    ...trainArgsOf(body.config ?? {}),
  };
  const view = await createModel(deps, actor, {
    project: { id: projectId },
    name: body.meta?.name?.slice(0, 100) || undefined,
    trainArgs,
    metadata: { hub: { lineage: body.lineage ?? null, dataset: body.dataset ?? null } },
  });
  if (dataset) await updateModelFields(deps.db, view.model.id, { datasetId: dataset.dataset.id });
  if (architecture) await updateModelFields(deps.db, view.model.id, { architecture });
  return hubModel(deps, actor, view.model.id);
}

async function defaultProject(deps: Deps, actor: Actor & { username: string }): Promise<string> {
  const found = await findProject(deps.db, { owner: actor.username, slug: DEFAULT_PROJECT });
  if (found) return found.project.id;
  return (await createProject(deps, actor, { slug: DEFAULT_PROJECT, name: "HUB models" })).project.id;
}

/** `PATCH /v1/models/{id}`: a new name, or new training arguments from `config`. */
export async function updateHubModel(
  deps: Deps,
  actor: Actor,
  id: string,
  body: Pick<HubModelBody, "meta" | "config">,
): Promise<HubDocumentParts> {
  const view = await getWritableModel(deps, actor, { id });
  const trainArgs = { ...(view.model.trainArgs ?? {}), ...trainArgsOf(body.config ?? {}) };
  await updateModelFields(deps.db, view.model.id, {
    ...(body.meta?.name ? { name: body.meta.name.slice(0, 100) } : {}),
    trainArgs,
    updatedAt: deps.now(),
  });
  return hubModel(deps, actor, id);
}

/** `DELETE /v1/models/{id}?hard=True|False`: to the trash, or gone for good. */
export async function deleteHubModel(deps: Deps, actor: Actor, id: string, hard: boolean): Promise<void> {
  const view = await getWritableModel(deps, actor, { id });
  await trashModel(deps, actor, { id });
  if (hard) await deleteFromTrash(deps, actor, { id, type: "model", owner: view.owner });
}

/** `GET /v1/models`: a page after the cursor, newest first, with the total and the next cursor. */
export async function listHubModelPage(
  deps: Deps,
  actor: Actor,
  params: { limit: number; lastDocId?: string; publicOnly: boolean },
) {
  if (!params.publicOnly && !isSignedIn(actor)) throw new ApiError("UNAUTHORIZED");
  const { rows, total } = await listHubModels(deps.db, {
    workspaceId: isSignedIn(actor) ? actor.workspaceId : undefined,
    publicOnly: params.publicOnly,
    limit: params.limit,
    afterId: params.lastDocId,
    userId: viewerId(actor),
  });
  const parts = await Promise.all(rows.map((view) => documentParts(deps, actor, view)));
  const last = rows.at(-1);
  return { parts, total, lastRecordId: rows.length === params.limit && last ? last.model.id : null };
}

/**
 * `POST /model-reset` (`hub.reset_model`): the model goes back to untrained, its checkpoints
 * (best.pt, last.pt) and training results gone, its runs with them.
 */
export async function resetHubModel(deps: Deps, actor: Actor, id: string): Promise<void> {
  const view = await getWritableModel(deps, actor, { id });
  const now = deps.now();
  const keys = await deps.db.transaction(async (tx) => {
    const objectKeys = await deleteModelFiles(tx, view.model.id, ["best.pt", "last.pt"]);
    const released = (await Promise.all(objectKeys.map((key) => releaseObject(tx, key, view.model.id)))).flat();
    await deleteRunsOf(tx, view.model.id);
    await updateModelFields(tx, view.model.id, {
      status: "untrained",
      metrics: null,
      trainResults: null,
      bestEpoch: null,
      bestFitness: null,
      trainingError: null,
      startedAt: null,
      completedAt: null,
      updatedAt: now,
    });
    return released;
  });
  if (keys.length) deps.waitUntil(deps.bucket.delete(keys));
}
