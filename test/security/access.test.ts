/**
 * Access checks generated from src/operations.ts, the one table: every row gets its cases the day
 * it is added, each with the status it must answer.
 * - without credentials, and with an unknown key: 401 (runner routes without the fleet token: 401;
 *   signed routes without their token: 401);
 * - session-only operations with an API key: 403;
 * - an operation on another workspace's private resource, with that workspace's outsider's key
 *   and session: 404 (a session-only one with a key: 403);
 * - a write with a `read` key, on the key's own resources: 403.
 * An operation whose request needs more than the generic one names its sample in SAMPLES.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS, requiredScope, type OperationId } from "../../src/operations";
import { BASE, body, call, newTenant, type Tenant } from "../helpers";
import { ingestPictures } from "../ingest-protocol";
import { uploadWeights } from "../runner-protocol";

interface Resources {
  owner: Tenant;
  projectId: string;
  project: string;
  modelId: string;
  model: string;
  datasetId: string;
  dataset: string;
  exportId: string;
  jobId: string;
  sessionId: string;
  imageId: string;
  hash: string;
}

interface Sample {
  /** The request names one of the owner's resources in its query or body (not only in its path). */
  names?: true;
  query?: (r: Resources) => string;
  json?: (r: Resources) => unknown;
  form?: () => FormData;
}

const picture = () => {
  const form = new FormData();
  form.append("file", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "p.png", { type: "image/png" }));
  return form;
};

/** Requests valid enough to reach the handler (so that access, not validation, answers). */
const SAMPLES: Partial<Record<OperationId, Sample>> = {
  post_api_api_keys: { json: () => ({ name: "security" }) },
  delete_api_api_keys: { names: true, query: (r) => `keyId=${r.owner.keyId}` },
  post_api_projects: { json: () => ({ project: `sec-${crypto.randomUUID().slice(0, 8)}` }) },
  patch_api_projects_projectId: { json: () => ({ description: "x" }) },
  patch_api_projects_owner_project: { json: () => ({ description: "x" }) },
  post_api_projects_projectId_clone: { json: () => ({ project: `sec-${crypto.randomUUID().slice(0, 8)}` }) },
  post_api_projects_owner_project_clone: { json: () => ({ project: `sec-${crypto.randomUUID().slice(0, 8)}` }) },
  post_api_projects_projectId_icon: { form: picture },
  post_api_datasets_datasetId_icon: { form: picture },
  post_api_datasets: {
    json: () => ({ slug: `sec-${crypto.randomUUID().slice(0, 8)}`, name: "Security", task: "detect" }),
  },
  patch_api_datasets_datasetId: { json: () => ({ description: "x" }) },
  patch_api_datasets_owner_dataset: { json: () => ({ description: "x" }) },
  post_api_models: {
    names: true,
    json: (r) => ({ projectId: r.projectId, model: `sec-${crypto.randomUUID().slice(0, 8)}` }),
  },
  patch_api_models_modelId: { json: () => ({ description: "x" }) },
  patch_api_models_owner_project_model: { json: () => ({ description: "x" }) },
  post_api_models_modelId_predict: { form: picture },
  post_api_models_owner_project_model_predict: { form: picture },
  post_api_models_modelId_clone: {
    json: (r) => ({ project: r.project, model: `sec-${crypto.randomUUID().slice(0, 8)}` }),
  },
  post_api_models_owner_project_model_clone: {
    json: (r) => ({ project: r.project, model: `sec-${crypto.randomUUID().slice(0, 8)}` }),
  },
  get_api_exports: { names: true, query: (r) => `modelId=${r.modelId}` },
  post_api_exports: { names: true, json: (r) => ({ modelId: r.modelId, format: "onnx" }) },
  post_api_models_owner_project_model_exports: { json: () => ({ format: "onnx" }) },
  post_api_trash: { names: true, json: (r) => ({ type: "project", id: r.projectId }) },
  delete_api_trash: { names: true, json: (r) => ({ type: "project", id: r.projectId }) },
  post_api_upload_signed_url: {
    names: true,
    json: (r) => ({
      assetType: "models",
      assetId: r.modelId,
      filename: "best.pt",
      contentType: "application/octet-stream",
      totalBytes: 10,
    }),
  },
  post_api_upload_complete: { names: true, json: (r) => ({ sessionId: r.sessionId }) },
  post_api_datasets_owner_dataset_images: { json: (r) => ({ imageIds: [r.imageId] }) },
  post_api_images_urls: { names: true, json: (r) => ({ imageIds: [r.imageId] }) },
  post_api_datasets_datasetId_images_urls: { json: (r) => ({ hashes: [r.hash] }) },
  patch_api_images_imageId: { json: () => ({ labels: [] }) },
  put_api_datasets_datasetId_images_hash_labels: { json: () => ({ labels: [] }) },
  patch_api_images_bulk: { names: true, json: (r) => ({ imageIds: [r.imageId], split: "val" }) },
  patch_api_datasets_datasetId_images_bulk: { json: (r) => ({ imageIds: [r.imageId], split: "val" }) },
  delete_api_images_bulk: { names: true, json: (r) => ({ imageIds: [r.imageId] }) },
  delete_api_datasets_datasetId_images_bulk: { json: (r) => ({ imageIds: [r.imageId] }) },
  post_api_images_imageId_predict: { json: () => ({ modelId: "ul://someone/tools/annotator" }) },
  post_api_datasets_datasetId_predict: { json: (r) => ({ imageHash: r.hash }) },
  post_api_datasets_ingest: {
    names: true,
    json: (r) => ({ datasetId: r.datasetId, sourceUrl: "https://data.example/set.zip" }),
  },
  post_api_datasets_owner_dataset_ingest: { json: () => ({ sourceUrl: "https://data.example/set.zip" }) },
  patch_api_datasets_datasetId_export: { json: () => ({ version: 1, description: "x" }) },
  patch_api_datasets_owner_dataset_export: { json: () => ({ version: 1, description: "x" }) },
  post_api_datasets_datasetId_restore: { json: () => ({ version: 1 }) },
  post_api_datasets_datasetId_classes_merge: { json: () => ({ sourceClassIds: [0], targetClassId: 0 }) },
  post_api_datasets_owner_dataset_classes_merge: { json: () => ({ sourceClassIds: [0], targetClassId: 0 }) },
  post_api_datasets_datasetId_classes_delete: { json: () => ({ classIds: [0] }) },
  post_api_datasets_owner_dataset_classes_delete: { json: () => ({ classIds: [0] }) },
  post_api_datasets_datasetId_splits_redistribute: { json: () => ({ train: 80, val: 10, test: 10 }) },
  post_api_datasets_owner_dataset_splits_redistribute: { json: () => ({ train: 80, val: 10, test: 10 }) },
  post_api_datasets_owner_dataset_restore: { json: () => ({ version: 1 }) },
  post_api_webhooks_training_metrics: {
    names: true,
    json: (r) => ({ event: "epoch_end", modelId: r.modelId, data: { epoch: 1, metrics: {} } }),
  },
  post_api_webhooks_models_upload: { names: true, json: (r) => ({ filename: "best.pt", modelId: r.modelId }) },
  get_api_webhooks_datasets_user_slug_export: { names: true },
  post_v1_models_modelId: { json: () => ({ type: "metrics", metrics: { "1": "{}" } }) },
  post_v1_models_modelId_export: { json: () => ({ format: "onnx" }) },
  post_v1_projects: { json: () => ({ meta: { name: `sec-${crypto.randomUUID().slice(0, 8)}` } }) },
  patch_v1_projects_projectId: { json: () => ({ meta: { description: "x" } }) },
  post_v1_datasets: { json: () => ({ meta: { name: `sec-${crypto.randomUUID().slice(0, 8)}` } }) },
  patch_v1_datasets_datasetId: { json: () => ({ meta: { description: "x" } }) },
  post_get_export: { names: true, json: (r) => ({ modelId: r.modelId, format: "onnx" }) },
  post_model_reset: { names: true, json: (r) => ({ modelId: r.modelId }) },
  post_v1_models_modelId_upload: {
    form: () => {
      const form = new FormData();
      form.append("type", "epoch");
      form.append("last.pt", new File([new Uint8Array([1])], "last.pt"));
      return form;
    },
  },
  post_v1_datasets_datasetId_upload: {
    form: () => {
      const form = new FormData();
      form.append("set.zip", new File([new Uint8Array([80, 75, 3, 4])], "set.zip"));
      return form;
    },
  },
  post_v1_predict_modelId: {
    form: () => {
      const form = new FormData();
      form.append("image", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "p.png", { type: "image/png" }));
      return form;
    },
  },
  post_api_training_start: {
    names: true,
    json: (r) => ({
      modelId: r.modelId,
      trainArgs: { model: "yolo11n.pt", data: "ul://someone/datasets/x", epochs: 1 },
    }),
  },
  get_api_webhooks_models_user_project_model_download: { names: true },
};

/** The operations' paths, from EdgeHub's own OpenAPI document. */
async function pathsById(): Promise<Map<string, { method: string; path: string }>> {
  const doc = await body(await call("GET", "/api/openapi.json"));
  const found = new Map<string, { method: string; path: string }>();
  for (const [path, methods] of Object.entries<Record<string, { operationId?: string }>>(doc.paths)) {
    for (const [method, op] of Object.entries(methods))
      if (op.operationId) found.set(op.operationId, { method: method.toUpperCase(), path });
  }
  return found;
}

function fill(path: string, r: Resources): string {
  const values: Record<string, string> = {
    owner: r.owner.username,
    project: r.project,
    model: r.model,
    dataset: r.dataset,
    projectId: r.projectId,
    modelId: r.modelId,
    datasetId: r.datasetId,
    exportId: r.exportId,
    jobId: r.jobId,
    sessionId: r.sessionId,
    keyId: r.owner.keyId,
    name: "file.bin",
    token: "not-a-token",
    partNumber: "1",
    queue: "cpu-jobs",
    imageId: r.imageId,
    hash: r.hash,
    file: `${r.hash}.jpg`,
    filename: "best.pt",
    user: r.owner.username,
    slug: r.dataset,
  };
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`security suite: no value for path parameter {${name}}`);
    return values[name]!;
  });
}

/** Whether the operation names one resource of a workspace (in its path or its sample). */
function namesResource(id: OperationId, path: string): boolean {
  // A list by owner shows an outsider the public part (200): not one private resource.
  if (/^get_api_\w+_owner$/.test(id)) return false;
  return /\{(owner|\w+Id)\}/.test(path) || Boolean(SAMPLES[id]?.names);
}

let paths: Map<string, { method: string; path: string }>;
let r: Resources;
let outsider: Tenant;
let readKey: string;

async function send(id: OperationId, auth: { bearer?: string; cookie?: string } = {}) {
  const { method, path } = paths.get(id)!;
  const sample = SAMPLES[id];
  const query = sample?.query ? `?${sample.query(r)}` : "";
  const headers: Record<string, string> = auth.cookie
    ? { Cookie: `edgehub_session=${auth.cookie}`, Origin: new URL(BASE).origin }
    : {};
  const json = sample?.json
    ? sample.json(r)
    : ["POST", "PATCH", "PUT"].includes(method) && !sample?.form
      ? {}
      : undefined;
  const response = await call(method, `${fill(path, r)}${query}`, {
    auth: auth.bearer,
    json,
    body: sample?.form?.(),
    headers,
  });
  return { status: response.status, answer: await response.text() };
}

/** Local-only rows (the dev queue proxy) are not mounted here: test/routes/docs checks they answer 404. */
const ids = (Object.keys(OPERATIONS) as OperationId[]).filter((id) => !("localOnly" in OPERATIONS[id]));

describe("access, generated from src/operations.ts", () => {
  beforeAll(async () => {
    paths = await pathsById();
    const owner = await newTenant("sec");
    outsider = await newTenant("out");
    const project = await body(
      await call("POST", "/api/projects", { auth: owner.key, json: { project: "secret-project" } }),
    );
    const model = await body(
      await call("POST", "/api/models", { auth: owner.key, json: { projectId: project.id, model: "secret-model" } }),
    );
    const dataset = await body(
      await call("POST", "/api/datasets", {
        auth: owner.key,
        json: { slug: "secret-data", name: "Secret", task: "detect", classNames: ["a"] },
      }),
    );
    const [image] = [...(await ingestPictures(owner.key, dataset.id, [{ name: "secret.jpg" }])).values()];
    await uploadWeights(owner.key, model.id, new Uint8Array(64), "best.pt");
    const made = await body(
      await call("POST", "/api/exports", { auth: owner.key, json: { modelId: model.id, format: "onnx" } }),
    );
    const exported = (await body(await call("GET", `/api/exports/${made.id}`, { auth: owner.key }))).export;
    const session = await body(
      await call("POST", "/api/upload/signed-url", {
        auth: owner.key,
        json: {
          assetType: "models",
          assetId: model.id,
          filename: "x.pt",
          contentType: "application/octet-stream",
          totalBytes: 10,
        },
      }),
    );
    r = {
      owner,
      projectId: project.id,
      project: "secret-project",
      modelId: model.id,
      model: "secret-model",
      datasetId: dataset.id,
      dataset: dataset.slug ?? "secret-data",
      exportId: made.id,
      jobId: exported.jobId,
      sessionId: session.sessionId,
      imageId: image!.id,
      hash: image!.hash,
    };
    readKey = (
      await body(
        await call("POST", "/api/api-keys", { auth: owner.key, json: { name: "read-only", scopes: ["read"] } }),
      )
    ).key;
  });

  it("has every operation of the table in the OpenAPI document", () => {
    expect(ids.filter((id) => !paths.has(id))).toEqual([]);
  });

  it("answers 401 to every non-public operation without credentials", async () => {
    const wrong: string[] = [];
    for (const id of ids.filter((id) => OPERATIONS[id].access !== "public")) {
      const { status, answer } = await send(id);
      if (status !== 401) wrong.push(`${id}: ${status} ${answer.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers 401 to every key, session or public operation with an unknown key, and runner operations to a key", async () => {
    const unknown = `ul_${"0123456789".repeat(4)}`;
    const wrong: string[] = [];
    for (const id of ids.filter((id) => OPERATIONS[id].access !== "signed")) {
      const { status, answer } = await send(id, { bearer: unknown });
      if (status !== 401) wrong.push(`${id}: ${status} ${answer.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers 403 to every session-only operation called with an API key", async () => {
    const wrong: string[] = [];
    for (const id of ids.filter((id) => OPERATIONS[id].access === "session")) {
      const { status, answer } = await send(id, { bearer: r.owner.key });
      if (status !== 403) wrong.push(`${id}: ${status} ${answer.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers 404 to another workspace's key and session on every operation naming a private resource", async () => {
    const wrong: string[] = [];
    for (const id of ids.filter((id) => ["key", "session", "public"].includes(OPERATIONS[id].access))) {
      const { path } = paths.get(id)!;
      if (!namesResource(id, path)) continue;
      const viaKey = await send(id, { bearer: outsider.key });
      const expectedForKey = OPERATIONS[id].access === "session" ? 403 : 404;
      if (viaKey.status !== expectedForKey) wrong.push(`${id} (key): ${viaKey.status} ${viaKey.answer.slice(0, 120)}`);
      const viaSession = await send(id, { cookie: outsider.session });
      if (viaSession.status !== 404)
        wrong.push(`${id} (session): ${viaSession.status} ${viaSession.answer.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers 403 to every write with a read key, on the key's own resources", async () => {
    const wrong: string[] = [];
    for (const id of ids.filter((id) => ["key", "public"].includes(OPERATIONS[id].access))) {
      if (requiredScope(OPERATIONS[id], paths.get(id)!.method) === "read") continue;
      const { status, answer } = await send(id, { bearer: readKey });
      if (status !== 403) wrong.push(`${id}: ${status} ${answer.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });
});
