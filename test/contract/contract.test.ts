/**
 * Validates EdgeHub's answers against the official contract (../shared/spec/platform-openapi.json):
 * for each contract operation EdgeHub serves, valid and invalid requests, each answer checked
 * against the contract's response schema for its status. The one tolerated extension is `code`
 * in error bodies (EdgeHub's documented addition to ErrorResponse).
 */
import { Validator } from "@cfworker/json-schema";
import { describe, expect, inject, it } from "vitest";
import { OPERATIONS } from "../../src/operations";
import { ingestPictures } from "../ingest-protocol";
import { grantCredits } from "../../src/services/credits";
import { body, call, newTenant, withDb, type Tenant } from "../helpers";
import { claim, heartbeat, report, serveOnePredict, uploadOutput, uploadWeights } from "../runner-protocol";

function picture(): FormData {
  const form = new FormData();
  form.append("file", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "p.png", { type: "image/png" }));
  return form;
}

const specText = inject("contractSpec");
const spec = specText
  ? (JSON.parse(specText) as {
      paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
    })
  : null;
const SPEC_ID = "https://edgehub.test/platform-openapi.json";

/** A request and the status it must answer (which the contract must also list). */
type Case = { name: string; status: number; send: (t: Tenant, other: Tenant) => Promise<Response> };

/** Valid and invalid requests per contract operation. */
const CASES: Record<string, Case[]> = {
  get_api_account_summary: [
    { name: "valid", status: 200, send: (t) => call("GET", "/api/account/summary", { auth: t.key }) },
    { name: "no key", status: 401, send: () => call("GET", "/api/account/summary") },
  ],
  get_api_api_keys: [
    { name: "valid", status: 200, send: (t) => call("GET", "/api/api-keys", { auth: t.key }) },
    { name: "no key", status: 401, send: () => call("GET", "/api/api-keys") },
  ],
  post_api_projects: [
    {
      name: "valid",
      status: 201,
      send: (t) => call("POST", "/api/projects", { auth: t.key, json: { project: "c-new", name: "New" } }),
    },
    {
      name: "invalid slug",
      status: 400,
      send: (t) => call("POST", "/api/projects", { auth: t.key, json: { project: "Bad Slug", name: "x" } }),
    },
    {
      name: "foreign owner",
      status: 403,
      send: (t, o) =>
        call("POST", "/api/projects", { auth: t.key, json: { project: "x", name: "x", owner: o.username } }),
    },
  ],
  get_api_projects_owner: [
    { name: "valid", status: 200, send: (t) => call("GET", `/api/projects/${t.username}?limit=5`, { auth: t.key }) },
    {
      name: "bad limit",
      status: 400,
      send: (t) => call("GET", `/api/projects/${t.username}?limit=0`, { auth: t.key }),
    },
    { name: "unknown owner", status: 404, send: (t) => call("GET", "/api/projects/nobody-at-all", { auth: t.key }) },
  ],
  get_api_projects_owner_project: [
    { name: "valid", status: 200, send: (t) => call("GET", `/api/projects/${t.username}/c-base`, { auth: t.key }) },
    {
      name: "outsider",
      status: 404,
      send: (t, o) => call("GET", `/api/projects/${t.username}/c-base`, { auth: o.key }),
    },
    { name: "invalid owner", status: 400, send: (t) => call("GET", "/api/projects/Xy/c-base", { auth: t.key }) },
  ],
  patch_api_projects_owner_project: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("PATCH", `/api/projects/${t.username}/c-base`, { auth: t.key, json: { description: "d" } }),
    },
    {
      name: "star",
      status: 200,
      send: (t) => call("PATCH", `/api/projects/${t.username}/c-base`, { auth: t.key, json: { starred: true } }),
    },
    {
      name: "bad body",
      status: 400,
      send: (t) => call("PATCH", `/api/projects/${t.username}/c-base`, { auth: t.key, json: { visibility: "secret" } }),
    },
    {
      name: "outsider",
      status: 404,
      send: (t, o) => call("PATCH", `/api/projects/${t.username}/c-base`, { auth: o.key, json: { name: "x" } }),
    },
  ],
  post_api_projects_owner_project_clone: [
    {
      name: "valid (session)",
      status: 201,
      send: (t) => call("POST", `/api/projects/${t.username}/c-base/clone`, { auth: t.session, json: {} }),
    },
    {
      name: "api key",
      status: 403,
      send: (t) => call("POST", `/api/projects/${t.username}/c-base/clone`, { auth: t.key, json: {} }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) => call("POST", `/api/projects/${t.username}/nope/clone`, { auth: t.session, json: {} }),
    },
  ],
  delete_api_projects_owner_project: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("DELETE", `/api/projects/${t.username}/c-doomed`, { auth: t.key }),
    },
    { name: "missing", status: 404, send: (t) => call("DELETE", `/api/projects/${t.username}/nope`, { auth: t.key }) },
  ],
  post_api_datasets: [
    {
      name: "valid",
      status: 201,
      send: (t) =>
        call("POST", "/api/datasets", {
          auth: t.key,
          json: { dataset: "c-new-data", name: "New data", classNames: ["a"] },
        }),
    },
    {
      name: "invalid license",
      status: 400,
      send: (t) =>
        call("POST", "/api/datasets", { auth: t.key, json: { dataset: "c-x", name: "x", license: "BSD-3-Clause" } }),
    },
    {
      name: "foreign owner",
      status: 403,
      send: (t, o) =>
        call("POST", "/api/datasets", { auth: t.key, json: { dataset: "c-x", name: "x", owner: o.username } }),
    },
  ],
  get_api_datasets_owner: [
    { name: "valid", status: 200, send: (t) => call("GET", `/api/datasets/${t.username}?limit=5`, { auth: t.key }) },
    { name: "anonymous", status: 200, send: (t) => call("GET", `/api/datasets/${t.username}`) },
    {
      name: "bad limit",
      status: 400,
      send: (t) => call("GET", `/api/datasets/${t.username}?limit=0`, { auth: t.key }),
    },
    { name: "unknown owner", status: 404, send: () => call("GET", "/api/datasets/nobody-at-all") },
  ],
  get_api_datasets_owner_dataset: [
    { name: "valid", status: 200, send: (t) => call("GET", `/api/datasets/${t.username}/c-data`, { auth: t.key }) },
    {
      name: "outsider, private",
      status: 404,
      send: (t, o) => call("GET", `/api/datasets/${t.username}/c-private-data`, { auth: o.key }),
    },
    {
      name: "invalid name",
      status: 400,
      send: (t) => call("GET", `/api/datasets/${t.username}/Bad_Name`, { auth: t.key }),
    },
  ],
  patch_api_datasets_owner_dataset: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("PATCH", `/api/datasets/${t.username}/c-data`, {
          auth: t.key,
          json: { tags: ["x"], classColors: { a: "#00ff00" } },
        }),
    },
    {
      name: "star",
      status: 200,
      send: (t, o) => call("PATCH", `/api/datasets/${t.username}/c-data`, { auth: o.key, json: { starred: true } }),
    },
    {
      name: "bad body",
      status: 400,
      send: (t) => call("PATCH", `/api/datasets/${t.username}/c-data`, { auth: t.key, json: { format: "voc" } }),
    },
    // c-data is public: an outsider may read it, so changing it is FORBIDDEN, not NOT_FOUND.
    {
      name: "outsider",
      status: 403,
      send: (t, o) => call("PATCH", `/api/datasets/${t.username}/c-data`, { auth: o.key, json: { name: "x" } }),
    },
  ],
  delete_api_datasets_owner_dataset: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("DELETE", `/api/datasets/${t.username}/c-doomed-data`, { auth: t.key }),
    },
    { name: "missing", status: 404, send: (t) => call("DELETE", `/api/datasets/${t.username}/nope`, { auth: t.key }) },
  ],
  get_api_datasets_owner_dataset_models: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("GET", `/api/datasets/${t.username}/c-data/models`, { auth: t.key }),
    },
    { name: "anonymous", status: 200, send: (t) => call("GET", `/api/datasets/${t.username}/c-data/models`) },
    {
      name: "missing",
      status: 404,
      send: (t) => call("GET", `/api/datasets/${t.username}/nope/models`, { auth: t.key }),
    },
  ],
  get_api_datasets_owner_dataset_images: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call(
          "GET",
          `/api/datasets/${t.pics!.username}/c-pics/images?includeLabels=true&includeImageUrls=true&limit=2`,
          {
            auth: t.pics!.key,
          },
        ),
    },
    {
      name: "anonymous",
      status: 200,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/c-pics/images?split=val`),
    },
    {
      name: "cursor",
      status: 200,
      send: (t) =>
        call("GET", `/api/datasets/${t.pics!.username}/c-pics/images?cursor=${t.pictureIds![0]}&includeTotal=false`, {
          auth: t.pics!.key,
        }),
    },
    {
      name: "bad sort",
      status: 400,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/c-pics/images?sort=random`, { auth: t.pics!.key }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/nope/images`, { auth: t.pics!.key }),
    },
  ],
  post_api_datasets_owner_dataset_images: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-pics/images?includeLabels=true`, {
          auth: t.pics!.key,
          json: { imageIds: t.pictureIds!.slice(0, 2) },
        }),
    },
    {
      name: "no ids",
      status: 400,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-pics/images`, { auth: t.pics!.key, json: { imageIds: [] } }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/nope/images`, {
          auth: t.pics!.key,
          json: { imageIds: t.pictureIds },
        }),
    },
  ],
  get_api_images_imageId: [
    { name: "valid", status: 200, send: (t) => call("GET", `/api/images/${t.pictureIds![0]}`, { auth: t.pics!.key }) },
    { name: "no key", status: 401, send: (t) => call("GET", `/api/images/${t.pictureIds![0]}`) },
    { name: "unknown", status: 404, send: (t) => call("GET", `/api/images/${"0".repeat(24)}`, { auth: t.pics!.key }) },
  ],
  patch_api_images_imageId: [
    {
      name: "labels",
      status: 200,
      send: (t) =>
        call("PATCH", `/api/images/${t.pictureIds![0]}`, {
          auth: t.pics!.key,
          json: { labels: [{ classId: 1, bbox: [0.5, 0.5, 0.3, 0.3] }] },
        }),
    },
    {
      name: "metadata",
      status: 200,
      send: (t) =>
        call("PATCH", `/api/images/${t.pictureIds![0]}`, { auth: t.pics!.key, json: { metadata: { a: 1 } } }),
    },
    {
      name: "label out of range",
      status: 400,
      send: (t) =>
        call("PATCH", `/api/images/${t.pictureIds![0]}`, {
          auth: t.pics!.key,
          json: { labels: [{ classId: 0, bbox: [2, 0.5, 0.3, 0.3] }] },
        }),
    },
    {
      name: "not an editor",
      status: 403,
      send: (t, o) => call("PATCH", `/api/images/${t.pictureIds![0]}`, { auth: o.key, json: { labels: [] } }),
    },
  ],
  delete_api_images_imageId: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("DELETE", `/api/images/${t.pictureIds![1]}`, { auth: t.pics!.key }),
    },
    {
      name: "gone",
      status: 404,
      send: (t) => call("DELETE", `/api/images/${t.pictureIds![1]}`, { auth: t.pics!.key }),
    },
  ],
  patch_api_images_bulk: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("PATCH", "/api/images/bulk", {
          auth: t.pics!.key,
          json: { imageIds: [t.pictureIds![3]], split: "test", conflictPolicy: "keep_both" },
        }),
    },
    {
      name: "bad split",
      status: 400,
      send: (t) =>
        call("PATCH", "/api/images/bulk", { auth: t.pics!.key, json: { imageIds: [t.pictureIds![3]], split: "x" } }),
    },
    {
      name: "unknown",
      status: 404,
      send: (t) =>
        call("PATCH", "/api/images/bulk", { auth: t.pics!.key, json: { imageIds: ["0".repeat(24)], split: "val" } }),
    },
  ],
  delete_api_images_bulk: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("DELETE", "/api/images/bulk", { auth: t.pics!.key, json: { imageIds: [t.pictureIds![2]] } }),
    },
    {
      name: "no ids",
      status: 400,
      send: (t) => call("DELETE", "/api/images/bulk", { auth: t.pics!.key, json: { imageIds: [] } }),
    },
  ],
  post_api_images_urls: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("POST", "/api/images/urls", { auth: t.pics!.key, json: { imageIds: [t.pictureIds![0]] } }),
    },
    {
      name: "not an id",
      status: 400,
      send: (t) => call("POST", "/api/images/urls", { auth: t.pics!.key, json: { imageIds: ["x"] } }),
    },
    {
      name: "unknown",
      status: 404,
      send: (t) => call("POST", "/api/images/urls", { auth: t.pics!.key, json: { imageIds: ["0".repeat(24)] } }),
    },
  ],
  post_api_datasets_owner_dataset_ingest: [
    {
      name: "valid",
      status: 201,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-hidden/ingest`, {
          auth: t.pics!.key,
          json: { sourceUrl: "https://data.example/set.zip", targetSplit: "train" },
        }),
    },
    {
      name: "already processing",
      status: 409,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-hidden/ingest`, {
          auth: t.pics!.key,
          json: { sourceUrl: "https://data.example/set.zip" },
        }),
    },
    {
      name: "two sources",
      status: 400,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-pics/ingest`, {
          auth: t.pics!.key,
          json: { sourceUrl: "https://data.example/set.zip", sessionId: "upl_00000000000000000000" },
        }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/nope/ingest`, {
          auth: t.pics!.key,
          json: { sourceUrl: "https://data.example/set.zip" },
        }),
    },
  ],
  get_api_datasets_owner_dataset_class_stats: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/c-pics/class-stats`, { auth: t.pics!.key }),
    },
    {
      name: "anonymous",
      status: 200,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/c-pics/class-stats`),
    },
    {
      name: "missing",
      status: 404,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/nope/class-stats`, { auth: t.pics!.key }),
    },
  ],
  post_api_datasets_owner_dataset_classes_merge: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-classes/classes/merge`, {
          auth: t.pics!.session,
          json: { sourceClassIds: [1], targetClassId: 0 },
        }),
    },
    {
      name: "api key",
      status: 403,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-classes/classes/merge`, {
          auth: t.pics!.key,
          json: { sourceClassIds: [1], targetClassId: 0 },
        }),
    },
    {
      name: "no sources",
      status: 400,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-classes/classes/merge`, {
          auth: t.pics!.session,
          json: { sourceClassIds: [], targetClassId: 0 },
        }),
    },
  ],
  post_api_datasets_owner_dataset_classes_delete: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-classes/classes/delete`, {
          auth: t.pics!.session,
          json: { classIds: [1] },
        }),
    },
    {
      name: "not a class",
      status: 400,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-classes/classes/delete`, {
          auth: t.pics!.session,
          json: { classIds: [99] },
        }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/nope/classes/delete`, {
          auth: t.pics!.session,
          json: { classIds: [0] },
        }),
    },
  ],
  post_api_datasets_owner_dataset_splits_redistribute: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-classes/splits/redistribute`, {
          auth: t.pics!.session,
          json: { train: 80, val: 10, test: 10 },
        }),
    },
    {
      name: "not 100",
      status: 400,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-classes/splits/redistribute`, {
          auth: t.pics!.session,
          json: { train: 80, val: 10, test: 5 },
        }),
    },
  ],
  post_api_datasets_owner_dataset_clone: [
    {
      name: "valid",
      status: 201,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-pics/clone`, {
          auth: t.pics!.session,
          json: { name: "Pictures Copy" },
        }),
    },
    {
      name: "api key",
      status: 403,
      send: (t) => call("POST", `/api/datasets/${t.pics!.username}/c-pics/clone`, { auth: t.pics!.key, json: {} }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) => call("POST", `/api/datasets/${t.pics!.username}/nope/clone`, { auth: t.pics!.session, json: {} }),
    },
  ],
  get_api_datasets_owner_dataset_export: [
    {
      name: "live",
      status: 200,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/c-pics/export`, { auth: t.pics!.key }),
    },
    { name: "version", status: 200, send: (t) => call("GET", `/api/datasets/${t.pics!.username}/c-pics/export?v=1`) },
    {
      name: "bad version",
      status: 400,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/c-pics/export?v=0`, { auth: t.pics!.key }),
    },
    {
      name: "unknown version",
      status: 404,
      send: (t) => call("GET", `/api/datasets/${t.pics!.username}/c-pics/export?v=99`, { auth: t.pics!.key }),
    },
  ],
  post_api_datasets_owner_dataset_export: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("POST", `/api/datasets/${t.pics!.username}/c-pics/export`, { auth: t.pics!.key, json: {} }),
    },
    {
      name: "not an editor",
      status: 403,
      send: (t, o) => call("POST", `/api/datasets/${t.pics!.username}/c-pics/export`, { auth: o.key, json: {} }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) => call("POST", `/api/datasets/${t.pics!.username}/nope/export`, { auth: t.pics!.key, json: {} }),
    },
  ],
  patch_api_datasets_owner_dataset_export: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("PATCH", `/api/datasets/${t.pics!.username}/c-pics/export`, {
          auth: t.pics!.key,
          json: { version: 1, description: "baseline" },
        }),
    },
    {
      name: "no description",
      status: 400,
      send: (t) =>
        call("PATCH", `/api/datasets/${t.pics!.username}/c-pics/export`, { auth: t.pics!.key, json: { version: 1 } }),
    },
    {
      name: "unknown version",
      status: 404,
      send: (t) =>
        call("PATCH", `/api/datasets/${t.pics!.username}/c-pics/export`, {
          auth: t.pics!.key,
          json: { version: 99, description: "x" },
        }),
    },
  ],
  post_api_datasets_owner_dataset_restore: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-pics/restore`, { auth: t.pics!.key, json: { version: 1 } }),
    },
    {
      name: "bad version",
      status: 400,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-pics/restore`, { auth: t.pics!.key, json: { version: 0 } }),
    },
    {
      name: "unknown version",
      status: 404,
      send: (t) =>
        call("POST", `/api/datasets/${t.pics!.username}/c-pics/restore`, { auth: t.pics!.key, json: { version: 99 } }),
    },
  ],
  get_api_trash: [
    { name: "valid", status: 200, send: (t) => call("GET", "/api/trash", { auth: t.key }) },
    { name: "bad type", status: 400, send: (t) => call("GET", "/api/trash?type=folder", { auth: t.key }) },
  ],
  post_api_trash: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("POST", "/api/trash", { auth: t.key, json: { id: t.trashedId!, type: "project" } }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) => call("POST", "/api/trash", { auth: t.key, json: { id: "prj_none", type: "project" } }),
    },
    { name: "bad body", status: 400, send: (t) => call("POST", "/api/trash", { auth: t.key, json: { id: 1 } }) },
  ],
  delete_api_trash: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("DELETE", "/api/trash", { auth: t.key, json: { id: t.purgeId!, type: "project" } }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) => call("DELETE", "/api/trash", { auth: t.key, json: { id: "prj_none", type: "project" } }),
    },
  ],
  post_api_upload_signed_url: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("POST", "/api/upload/signed-url", {
          auth: t.key,
          json: {
            assetType: "models",
            assetId: t.modelId!,
            filename: "best.pt",
            contentType: "application/octet-stream",
            totalBytes: 10,
          },
        }),
    },
    {
      name: "bad dataset name",
      status: 400,
      send: (t) =>
        call("POST", "/api/upload/signed-url", {
          auth: t.key,
          json: {
            assetType: "datasets",
            assetId: "d1",
            filename: "x.jpg",
            contentType: "application/zip",
            totalBytes: 10,
          },
        }),
    },
  ],
  post_api_upload_complete: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("POST", "/api/upload/complete", { auth: t.key, json: { sessionId: t.uploadId! } }),
    },
    {
      name: "unknown session",
      status: 404,
      send: (t) => call("POST", "/api/upload/complete", { auth: t.key, json: { sessionId: "upl_none" } }),
    },
  ],
  get_api_storage: [
    { name: "valid", status: 200, send: (t) => call("GET", "/api/storage?details=true", { auth: t.key }) },
    { name: "bad query", status: 400, send: (t) => call("GET", "/api/storage?details=yes", { auth: t.key }) },
  ],
  post_api_models: [
    {
      name: "valid",
      status: 201,
      send: (t) =>
        call("POST", "/api/models", { auth: t.key, json: { project: "c-base", model: "c-new", name: "New" } }),
    },
    {
      name: "taken",
      status: 409,
      send: (t) => call("POST", "/api/models", { auth: t.key, json: { project: "c-base", model: "c-model" } }),
    },
    {
      name: "bad task",
      status: 400,
      send: (t) => call("POST", "/api/models", { auth: t.key, json: { project: "c-base", model: "x", task: "dance" } }),
    },
    {
      name: "unknown project",
      status: 404,
      send: (t) => call("POST", "/api/models", { auth: t.key, json: { project: "nope", model: "x" } }),
    },
    {
      name: "no key",
      status: 401,
      send: () => call("POST", "/api/models", { json: { project: "c-base", model: "x" } }),
    },
  ],
  get_api_models_owner_project: [
    { name: "valid", status: 200, send: (t) => call("GET", `/api/models/${t.username}/c-base`, { auth: t.key }) },
    {
      name: "bad limit",
      status: 400,
      send: (t) => call("GET", `/api/models/${t.username}/c-base?limit=101`, { auth: t.key }),
    },
    { name: "outsider", status: 404, send: (t, o) => call("GET", `/api/models/${t.username}/c-base`, { auth: o.key }) },
  ],
  get_api_models_owner_project_model: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-model`, { auth: t.key }),
    },
    {
      name: "inspected",
      status: 200,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-rich`, { auth: t.key }),
    },
    {
      name: "outsider",
      status: 404,
      send: (t, o) => call("GET", `/api/models/${t.username}/c-base/c-model`, { auth: o.key }),
    },
    {
      name: "bad name",
      status: 400,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/Bad_Name`, { auth: t.key }),
    },
  ],
  patch_api_models_owner_project_model: [
    {
      name: "valid",
      status: 200,
      send: (t) =>
        call("PATCH", `/api/models/${t.username}/c-base/c-model`, { auth: t.key, json: { description: "d" } }),
    },
    {
      name: "star",
      status: 200,
      send: (t) => call("PATCH", `/api/models/${t.username}/c-base/c-model`, { auth: t.key, json: { starred: true } }),
    },
    {
      name: "bad body",
      status: 400,
      send: (t) =>
        call("PATCH", `/api/models/${t.username}/c-base/c-model`, { auth: t.key, json: { status: "exploded" } }),
    },
    {
      name: "taken name",
      status: 409,
      send: (t) =>
        call("PATCH", `/api/models/${t.username}/c-base/c-model`, { auth: t.key, json: { model: "c-rich" } }),
    },
  ],
  delete_api_models_owner_project_model: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("DELETE", `/api/models/${t.username}/c-base/c-doomed-model`, { auth: t.key }),
    },
    {
      name: "missing",
      status: 404,
      send: (t) => call("DELETE", `/api/models/${t.username}/c-base/nope`, { auth: t.key }),
    },
  ],
  post_api_models_owner_project_model_exports: [
    {
      name: "valid",
      status: 201,
      send: (t) =>
        call("POST", `/api/models/${t.username}/c-base/c-model/exports`, {
          auth: t.key,
          json: { format: "onnx", args: { imgsz: 320 } },
        }),
    },
    {
      name: "engine without gpu",
      status: 400,
      send: (t) =>
        call("POST", `/api/models/${t.username}/c-base/c-model/exports`, { auth: t.key, json: { format: "engine" } }),
    },
    // A TensorRT export without credits is 402, as training/start is in the contract (its export operation lists no 402): tested in test/routes/exports.
    {
      name: "no weights",
      status: 409,
      send: (t) =>
        call("POST", `/api/models/${t.username}/c-base/c-rich/exports`, { auth: t.key, json: { format: "onnx" } }),
    },
    {
      name: "outsider",
      status: 404,
      send: (t, o) =>
        call("POST", `/api/models/${t.username}/c-base/c-model/exports`, { auth: o.key, json: { format: "onnx" } }),
    },
  ],
  get_api_models_owner_project_model_exports: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-model/exports`, { auth: t.key }),
    },
    {
      name: "by status",
      status: 200,
      send: (t) =>
        call("GET", `/api/models/${t.username}/c-base/c-model/exports?status=completed&limit=5`, { auth: t.key }),
    },
    {
      name: "bad status",
      status: 400,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-model/exports?status=done`, { auth: t.key }),
    },
  ],
  get_api_models_owner_project_model_exports_exportId: [
    {
      name: "completed",
      status: 200,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-model/exports/${t.exportId}`, { auth: t.key }),
    },
    {
      name: "queued",
      status: 200,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-model/exports/${t.queuedExportId}`, { auth: t.key }),
    },
    {
      name: "other model",
      status: 404,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-rich/exports/${t.exportId}`, { auth: t.key }),
    },
    {
      name: "bad id",
      status: 404,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-model/exports/nope`, { auth: t.key }),
    },
  ],
  delete_api_models_owner_project_model_exports_exportId: [
    {
      name: "cancel",
      status: 200,
      send: (t) =>
        call("DELETE", `/api/models/${t.username}/c-base/c-model/exports/${t.queuedExportId}`, { auth: t.key }),
    },
    {
      name: "delete",
      status: 200,
      send: (t) =>
        call("DELETE", `/api/models/${t.username}/c-base/c-model/exports/${t.doomedExportId}`, { auth: t.key }),
    },
    {
      name: "gone",
      status: 404,
      send: (t) =>
        call("DELETE", `/api/models/${t.username}/c-base/c-model/exports/${t.doomedExportId}`, { auth: t.key }),
    },
  ],
  post_api_images_imageId_predict: [
    {
      name: "valid",
      status: 200,
      send: async (t) => {
        const [response] = await Promise.all([
          call("POST", `/api/images/${t.pictureIds![0]}/predict`, {
            auth: t.pics!.key,
            json: { modelId: `ul://${t.pics!.username}/c-tools/c-ann` },
          }),
          serveOnePredict(t.annotatorId!, {
            result: {
              images: [
                {
                  shape: [100, 100],
                  speed: { preprocess: 1, inference: 30, postprocess: 0.5 },
                  results: [{ class: 1, name: "b", confidence: 0.9, box: { x1: 10, y1: 10, x2: 50, y2: 30 } }],
                },
              ],
            },
          }),
        ]);
        return response;
      },
    },
    {
      name: "bad model uri",
      status: 400,
      send: (t) =>
        call("POST", `/api/images/${t.pictureIds![0]}/predict`, { auth: t.pics!.key, json: { modelId: "yolo.pt" } }),
    },
    {
      name: "no key",
      status: 401,
      send: (t) => call("POST", `/api/images/${t.pictureIds![0]}/predict`, { json: { modelId: "ul://a/b/c" } }),
    },
    {
      name: "not an editor",
      status: 403,
      send: (t, o) =>
        call("POST", `/api/images/${t.pictureIds![0]}/predict`, { auth: o.key, json: { modelId: "ul://a/b/c" } }),
    },
    {
      name: "unknown model",
      status: 404,
      send: (t) =>
        call("POST", `/api/images/${t.pictureIds![0]}/predict`, {
          auth: t.pics!.key,
          json: { modelId: `ul://${t.pics!.username}/c-tools/nope` },
        }),
    },
  ],
  post_api_models_owner_project_model_predict: [
    {
      name: "valid",
      status: 200,
      send: async (t) => {
        const [response] = await Promise.all([
          call("POST", `/api/models/${t.username}/c-base/c-model/predict`, { auth: t.key, body: picture() }),
          serveOnePredict(t.modelId!, {
            result: {
              images: [
                {
                  shape: [480, 640],
                  speed: { preprocess: 1, inference: 30, postprocess: 0.5 },
                  results: [
                    { class: 0, name: "red_rectangle", confidence: 0.96, box: { x1: 1, y1: 2, x2: 30, y2: 40 } },
                  ],
                },
              ],
            },
          }),
        ]);
        return response;
      },
    },
    {
      name: "no file",
      status: 400,
      send: (t) =>
        call("POST", `/api/models/${t.username}/c-base/c-model/predict`, { auth: t.key, body: new FormData() }),
    },
    {
      name: "no weights yet",
      status: 503,
      send: (t) => call("POST", `/api/models/${t.username}/c-base/c-rich/predict`, { auth: t.key, body: picture() }),
    },
    {
      name: "outsider",
      status: 404,
      send: (t, o) =>
        call("POST", `/api/models/${t.username}/c-base/c-model/predict`, { auth: o.key, body: picture() }),
    },
  ],
  post_api_models_owner_project_model_clone: [
    {
      name: "valid (session)",
      status: 201,
      send: (t) =>
        call("POST", `/api/models/${t.username}/c-base/c-model/clone`, {
          auth: t.session,
          json: { project: "c-base", model: "c-clone" },
        }),
    },
    {
      name: "api key",
      status: 403,
      send: (t) =>
        call("POST", `/api/models/${t.username}/c-base/c-model/clone`, { auth: t.key, json: { project: "c-base" } }),
    },
    {
      name: "no project",
      status: 400,
      send: (t) => call("POST", `/api/models/${t.username}/c-base/c-model/clone`, { auth: t.session, json: {} }),
    },
    {
      name: "outsider",
      status: 404,
      send: (t, o) =>
        call("POST", `/api/models/${t.username}/c-base/c-model/clone`, {
          auth: o.session,
          json: { project: "c-base" },
        }),
    },
  ],
  post_api_training_start: [
    {
      name: "valid",
      status: 200,
      send: async (t) => {
        // A runner of the fleet offers rtx-4090 (its heartbeat); the job waits in the queue.
        await heartbeat({ queues: ["gpu-jobs"], gpuType: "rtx-4090", name: "c-gpu" });
        const { modelId } = await body(
          await call("POST", "/api/webhooks/training/metrics", {
            auth: t.pics!.key,
            json: { event: "training_started", project: `${t.pics!.username}/c-tools`, name: "c-cloud", data: {} },
          }),
        );
        await call("POST", "/api/webhooks/training/metrics", {
          auth: t.pics!.key,
          json: { event: "training_complete", modelId, data: { results: {} } },
        });
        return call("POST", "/api/training/start", {
          auth: t.pics!.key,
          json: {
            modelId,
            gpuType: "rtx-4090",
            trainArgs: { model: "yolo11n.pt", data: `ul://${t.pics!.username}/datasets/c-pics`, epochs: 2 },
          },
        });
      },
    },
    {
      name: "bad arguments",
      status: 400,
      send: (t) =>
        call("POST", "/api/training/start", {
          auth: t.key,
          json: { modelId: t.modelId, trainArgs: { model: "yolo11n.pt", data: "coco8.yaml", epochs: 0 } },
        }),
    },
    {
      name: "no runner offers it",
      status: 503,
      send: (t) =>
        call("POST", "/api/training/start", {
          auth: t.key,
          json: {
            modelId: t.modelId,
            gpuType: "b300",
            trainArgs: { model: "yolo11n.pt", data: `ul://${t.pics!.username}/datasets/c-pics`, epochs: 2 },
          },
        }),
    },
    {
      name: "not an editor",
      status: 403,
      send: (t, o) =>
        call("POST", "/api/training/start", {
          auth: o.key,
          json: { modelId: t.annotatorId, trainArgs: { model: "yolo11n.pt", data: "ul://a/datasets/b", epochs: 2 } },
        }),
    },
  ],
  get_api_training_gpu_availability: [
    { name: "anonymous", status: 200, send: () => call("GET", "/api/training/gpu-availability") },
  ],
  get_api_models_owner_project_model_training: [
    {
      name: "a run",
      status: 200,
      send: async (t) => {
        const started = await call("POST", "/api/webhooks/training/metrics", {
          auth: t.key,
          json: { event: "training_started", project: `${t.username}/c-base`, name: "c-run", data: { epochs: 2 } },
        });
        const { modelId } = await body(started);
        await call("POST", "/api/webhooks/training/metrics", {
          auth: t.key,
          json: { event: "epoch_end", modelId, data: { epoch: 1, metrics: { "metrics/mAP50(B)": 0.5 } } },
        });
        return call("GET", `/api/models/${t.username}/c-base/c-run/training`, { auth: t.key });
      },
    },
    {
      name: "never trained",
      status: 200,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-model/training`, { auth: t.key }),
    },
    {
      name: "outsider",
      status: 404,
      send: (t, o) => call("GET", `/api/models/${t.username}/c-base/c-model/training`, { auth: o.key }),
    },
  ],
  delete_api_models_owner_project_model_training: [
    {
      name: "running",
      status: 200,
      send: async (t) => {
        await call("POST", "/api/webhooks/training/metrics", {
          auth: t.key,
          json: { event: "training_started", project: `${t.username}/c-base`, name: "c-stopped", data: { epochs: 9 } },
        });
        return call("DELETE", `/api/models/${t.username}/c-base/c-stopped/training`, { auth: t.key });
      },
    },
    {
      name: "no longer active",
      status: 409,
      send: (t) => call("DELETE", `/api/models/${t.username}/c-base/c-stopped/training`, { auth: t.key }),
    },
    {
      name: "no key",
      status: 401,
      send: (t) => call("DELETE", `/api/models/${t.username}/c-base/c-stopped/training`),
    },
  ],
  get_api_models_owner_project_model_files: [
    {
      name: "valid",
      status: 200,
      send: (t) => call("GET", `/api/models/${t.username}/c-base/c-model/files`, { auth: t.key }),
    },
    {
      name: "outsider",
      status: 404,
      send: (t, o) => call("GET", `/api/models/${t.username}/c-base/c-model/files`, { auth: o.key }),
    },
  ],
};

declare module "../helpers" {
  interface Tenant {
    trashedId?: string;
    modelId?: string;
    exportId?: string;
    doomedExportId?: string;
    queuedExportId?: string;
    purgeId?: string;
    uploadId?: string;
    pictureIds?: string[];
    /** The owner of the image cases' datasets: their requests would crowd this tenant's rate limit. */
    pics?: Tenant;
    /** pics' model with an ONNX file, for auto-annotate. */
    annotatorId?: string;
  }
}

describe.skipIf(!spec)("the official contract", () => {
  it("every answer of every served operation matches the contract's response schema", async () => {
    const operations = new Map<string, { path: string; method: string; responses: Record<string, unknown> }>();
    for (const [path, ops] of Object.entries(spec!.paths)) {
      for (const [method, op] of Object.entries(ops))
        if (op.operationId) operations.set(op.operationId, { path, method, responses: op.responses });
    }
    const served = [...operations.keys()].filter((id) => id in OPERATIONS);
    console.log(`[contract] EdgeHub serves ${served.length} of the contract's ${operations.size} operations`);
    expect(served.sort()).toEqual(Object.keys(CASES).sort());

    const t = await newTenant("c");
    const other = await newTenant("o");
    await call("POST", "/api/projects", { auth: t.key, json: { project: "c-base", name: "Base" } });
    await call("POST", "/api/projects", { auth: t.key, json: { project: "c-doomed" } });
    for (const slug of ["c-restore", "c-purge"]) {
      const { id } = await body(await call("POST", "/api/projects", { auth: t.key, json: { project: slug } }));
      await call("DELETE", `/api/projects/${id}`, { auth: t.key });
      if (slug === "c-restore") t.trashedId = id;
      else t.purgeId = id;
    }
    t.modelId = (
      await body(await call("POST", "/api/models", { auth: t.key, json: { project: "c-base", model: "c-model" } }))
    ).id;
    await call("POST", "/api/models", { auth: t.key, json: { project: "c-base", model: "c-doomed-model" } });
    await call("POST", "/api/models", {
      auth: t.key,
      json: {
        project: "c-base",
        model: "c-rich",
        task: "detect",
        completedAt: "2026-11-25T03:52:51.000Z",
        metrics: { "metrics/mAP50(B)": 0.995 },
        trainArgs: {
          model: "yolo11n.yaml",
          data: "data.yaml",
          epochs: 40,
          imgsz: 256,
          cache: false,
          save_dir: "/runs/train",
        },
        trainResults: [{ epoch: 1, fitness: 0.5, metrics: { "metrics/mAP50(B)": 0.6 } }],
      },
    });
    // Datasets: a public one that c-rich was trained on, a private one, one to delete.
    const datasetId = (
      await body(
        await call("POST", "/api/datasets", {
          auth: t.key,
          json: { dataset: "c-data", name: "Data", visibility: "public" },
        }),
      )
    ).id;
    await call("POST", "/api/datasets", { auth: t.key, json: { dataset: "c-private-data", name: "Private" } });
    await call("POST", "/api/datasets", { auth: t.key, json: { dataset: "c-doomed-data", name: "Doomed" } });
    await call("PATCH", `/api/models/${t.username}/c-base/c-rich`, { auth: t.key, json: { datasetId } });
    t.pics = await newTenant("p");
    await call("POST", "/api/datasets", { auth: t.pics.key, json: { dataset: "c-hidden", name: "Hidden" } });
    const pics = await body(
      await call("POST", "/api/datasets", {
        auth: t.pics.key,
        json: { dataset: "c-pics", name: "Pictures", visibility: "public", classNames: ["a", "b"] },
      }),
    );
    const box = { classId: 0, bbox: [0.5, 0.5, 0.2, 0.2] };
    const pictures = await ingestPictures(t.pics.key, pics.id, [
      { name: "keep.jpg", labels: [box] },
      { name: "delete.jpg" },
      { name: "bulk-delete.png", split: "val" },
      { name: "move.jpg", split: "val", error: "corrupt image" },
    ]);
    t.pictureIds = ["keep.jpg", "delete.jpg", "bulk-delete.png", "move.jpg"].map((name) => pictures.get(name)!.id);
    // Public, so an outsider sees its models (403, not 404, when they try to train one).
    await call("POST", "/api/projects", { auth: t.pics.key, json: { project: "c-tools", visibility: "public" } });
    await withDb((db) => grantCredits(db, t.pics!.workspaceId, 10_000, "contract test"));
    t.annotatorId = (
      await body(await call("POST", "/api/models", { auth: t.pics.key, json: { project: "c-tools", model: "c-ann" } }))
    ).id;
    await uploadWeights(t.pics.key, t.annotatorId!, new Uint8Array(8), "best.onnx");
    await call("POST", `/api/datasets/${pics.id}/export`, { auth: t.pics.key, json: { description: "first" } });
    await call("POST", "/api/datasets", {
      auth: t.pics.key,
      json: { dataset: "c-classes", name: "Classes", classNames: ["x", "y", "z", "w"] },
    });
    const upload = await body(
      await call("POST", "/api/upload/signed-url", {
        auth: t.key,
        json: {
          assetType: "models",
          assetId: t.modelId!,
          filename: "a.pt",
          contentType: "application/octet-stream",
          totalBytes: 4,
        },
      }),
    );
    await call("PUT", new URL(upload.uploadUrl).pathname + new URL(upload.uploadUrl).search, {
      body: new Uint8Array(4),
      headers: { "Content-Type": "application/octet-stream", "Content-Length": "4" },
    });
    t.uploadId = upload.sessionId;
    // One export completed by the runner protocol, one left queued.
    await uploadWeights(t.key, t.modelId!, new Uint8Array(32));
    await uploadWeights(t.key, t.modelId!, new Uint8Array(8), "best.onnx");
    t.exportId = (
      await body(
        await call("POST", "/api/exports", { auth: t.key, json: { modelId: t.modelId, format: "torchscript" } }),
      )
    ).id;
    t.doomedExportId = (
      await body(await call("POST", "/api/exports", { auth: t.key, json: { modelId: t.modelId, format: "openvino" } }))
    ).id;
    t.queuedExportId = (
      await body(await call("POST", "/api/exports", { auth: t.key, json: { modelId: t.modelId, format: "ncnn" } }))
    ).id;
    const { runnerId } = await heartbeat();
    for (const exportId of [t.exportId, t.doomedExportId]) {
      const jobId = (await body(await call("GET", `/api/exports/${exportId}`, { auth: t.key }))).export.jobId;
      const { claim: c } = await claim(jobId, runnerId);
      await report(c!, { type: "started" });
      await report(c!, { type: "completed", outputs: [await uploadOutput(c!, "model.out", new Uint8Array(8))] });
    }

    for (const operationId of served) {
      const operation = operations.get(operationId)!;
      for (const testCase of CASES[operationId]!) {
        const label = `${operationId} (${testCase.name})`;
        const response = await testCase.send(t, other);
        const status = String(response.status);
        expect.soft(response.status, `${label}: status`).toBe(testCase.status);
        const documented = operation.responses[status];
        expect.soft(documented, `${label}: status ${status} is not in the contract`).toBeDefined();
        if (!documented) continue;
        const answer = await response.json().catch(() => undefined);
        if (status.startsWith("4") || status.startsWith("5")) {
          expect.soft(answer, `${label}: error body`).toMatchObject({ code: expect.any(String) });
          delete (answer as { code?: string }).code;
        }
        const pointer = `#/paths/${operation.path.replace(/~/g, "~0").replace(/\//g, "~1")}/${operation.method}/responses/${status}/content/application~1json/schema`;
        const validator = new Validator({ $ref: `${SPEC_ID}${pointer}` }, "2020-12", false);
        validator.addSchema(spec as object, SPEC_ID);
        const result = validator.validate(answer);
        expect
          .soft(
            result.valid,
            `${label}: ${JSON.stringify(result.errors.slice(-3))}\n${JSON.stringify(answer).slice(0, 400)}`,
          )
          .toBe(true);
      }
    }
  });
});

if (!spec) console.warn("[contract] ../shared/spec/platform-openapi.json is absent: contract test skipped");
