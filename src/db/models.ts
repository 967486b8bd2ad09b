import {
  and,
  desc,
  eq,
  getTableColumns,
  inArray,
  isNotNull,
  isNull,
  sql,
  type SQL,
  type SQLWrapper,
} from "drizzle-orm";
import type { Database, Queryable } from "./client";
import { isStarredBy, type StarTables } from "./stars";
import {
  jobs,
  modelExports,
  modelFiles,
  models,
  modelStars,
  projects,
  trashItems,
  workspaces,
  type Region,
} from "./schema";

export type ModelRow = typeof models.$inferSelect;
export type NewModel = typeof models.$inferInsert;
export type ModelFileRow = typeof modelFiles.$inferSelect;

export interface ModelProject {
  id: string;
  slug: string;
  name: string;
  visibility: "public" | "private";
}

/** A model with what its presenter needs from around it. */
export interface ModelView {
  model: ModelRow;
  owner: string;
  region: Region;
  project: ModelProject;
  isStarred: boolean;
  /** The current weights (best.pt, else last.pt, else another .pt), null without any. */
  weights: WeightsFile | null;
  /** Epochs in its training results; lists count them without loading the results. */
  epochCount: number;
}

/** The model columns a project's model summaries show: a project read selects only these. */
export const modelSummaryColumns = {
  id: models.id,
  slug: models.slug,
  name: models.name,
  visibility: models.visibility,
  color: models.color,
  task: models.task,
  status: models.status,
  epochs: models.epochs,
  bestEpoch: models.bestEpoch,
  bestFitness: models.bestFitness,
  metrics: models.metrics,
  startedAt: models.startedAt,
  createdAt: models.createdAt,
  updatedAt: models.updatedAt,
};

export type ModelSummaryRow = Pick<ModelRow, keyof typeof modelSummaryColumns>;

/** A model as a project's model list shows it. */
export interface ModelSummaryView {
  model: ModelSummaryRow;
  weights: WeightsFile | null;
  epochCount: number;
}

/** A weights file as jobs name it: they work on the revision current when they were made. */
export interface WeightsFile {
  objectKey: string;
  name: string;
  sizeBytes: number;
}

/** A model file or export file, with its id (a runner caches a loaded model by it). */
export interface ModelFileRef extends WeightsFile {
  id: string;
}

export type ModelRef = { id: string } | { owner: string; project: string; slug: string };

const projectColumns = { id: projects.id, slug: projects.slug, name: projects.name, visibility: projects.visibility };

const parseFile = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value) as ModelFileRef | null;

/**
 * The model's current file with this extension, null without one: best, else last, else the
 * first by name, in its newest revision.
 */
function currentFile(extension: ".pt" | ".onnx"): SQL<ModelFileRef | null> {
  const [like, best, last] = [`'%${extension}'`, `'best${extension}'`, `'last${extension}'`].map((literal) =>
    sql.raw(literal),
  );
  return sql<ModelFileRef | null>`(
    select json_build_object(
      'id', ${modelFiles.id}, 'objectKey', ${modelFiles.objectKey},
      'name', ${modelFiles.name}, 'sizeBytes', ${modelFiles.sizeBytes})
    from ${modelFiles}
    where ${modelFiles.modelId} = ${models.id} and lower(${modelFiles.name}) like ${like}
    order by (${modelFiles.name} = ${best}) desc, (${modelFiles.name} = ${last}) desc,
      ${modelFiles.name}, ${modelFiles.revision} desc
    limit 1)`.mapWith(parseFile);
}

const weights = currentFile(".pt");

/** The file of the model's newest completed ONNX export, null without one. */
const onnxExport = sql<ModelFileRef | null>`(
  select json_build_object(
    'id', ${modelExports.id}, 'objectKey', ${modelExports.objectKey},
    'name', coalesce(${modelExports.downloadFilename}, 'model.onnx'),
    'sizeBytes', coalesce(${modelExports.sizeBytes}, 0))
  from ${modelExports}
  inner join ${jobs} on ${jobs.id} = ${modelExports.jobId}
  where ${modelExports.modelId} = ${models.id} and ${modelExports.format} = 'onnx'
    and ${jobs.status} = 'completed' and ${modelExports.objectKey} is not null
  order by ${modelExports.createdAt} desc
  limit 1)`.mapWith(parseFile);

/** The columns a ModelView adds to a model row (null-safe when a left join finds no model). */
export function modelViewExtras(userId?: string | SQLWrapper) {
  return { isStarred: isStarredBy(modelStarTables, userId), weights, epochCount };
}

const epochCount = sql<number>`coalesce(jsonb_array_length(${models.trainResults}), 0)`.mapWith(Number);

/** What a model summary adds to its columns: no star, since summaries do not show it. */
export const modelSummaryExtras = { weights, epochCount };

/** A model row without its training results (null): what lists select unless they show charts. */
export const modelWithoutResults = { ...getTableColumns(models), trainResults: sql<ModelRow["trainResults"]>`null` };

/** Model views, with `extra` columns beside them. */
function viewQuery<Extra extends Record<string, SQL>>(db: Queryable, userId?: string, extra = {} as Extra) {
  return db
    .select({
      model: models,
      owner: workspaces.username,
      region: workspaces.region,
      project: projectColumns,
      ...modelViewExtras(userId),
      ...extra,
    })
    .from(models)
    .innerJoin(projects, eq(projects.id, models.projectId))
    .innerJoin(workspaces, eq(workspaces.id, models.workspaceId));
}

/** A model and its project not in the trash. */
export const liveModel = and(isNull(models.deletedAt), isNull(projects.deletedAt));
const live = liveModel;

/** The model a ref names (joined with its project and workspace). */
export function refMatches(ref: ModelRef) {
  return "id" in ref
    ? eq(models.id, ref.id)
    : and(eq(workspaces.username, ref.owner), eq(projects.slug, ref.project), eq(models.slug, ref.slug));
}

export async function findModel(db: Queryable, ref: ModelRef, userId?: string): Promise<ModelView | undefined> {
  const [row] = await viewQuery(db, userId)
    .where(and(refMatches(ref), live))
    .limit(1);
  return row;
}

/** The model's current .pt weights (what a job works from), null without any. */
export async function currentWeights(db: Queryable, modelId: string): Promise<ModelFileRef | null> {
  const [row] = await db.select({ weights }).from(models).where(eq(models.id, modelId));
  return row?.weights ?? null;
}

/**
 * A model with the ONNX file predict runs on, in one statement: an uploaded .onnx, else the file
 * of its newest completed ONNX export.
 */
export async function findModelWithOnnx(
  db: Queryable,
  ref: ModelRef,
  userId?: string,
): Promise<(ModelView & { onnx: ModelFileRef | null }) | undefined> {
  const onnx = sql<ModelFileRef | null>`coalesce(${currentFile(".onnx")}, ${onnxExport})`.mapWith(parseFile);
  const [row] = await viewQuery(db, userId, { onnx })
    .where(and(refMatches(ref), live))
    .limit(1);
  return row;
}

/** Completed models of a workspace, for model selectors. */
export async function listCompletedModels(
  db: Queryable,
  params: { workspaceId: string; limit: number; userId?: string },
): Promise<ModelView[]> {
  return viewQuery(db, params.userId)
    .where(and(eq(models.workspaceId, params.workspaceId), eq(models.status, "completed"), live))
    .orderBy(desc(models.updatedAt), desc(models.id))
    .limit(params.limit);
}

/**
 * The HUB v1 list: a workspace's live models (or every public one), newest first, a page after
 * the model `afterId` (its cursor), with the total the filter matches.
 */
export async function listHubModels(
  db: Queryable,
  params: { workspaceId?: string; publicOnly: boolean; limit: number; afterId?: string; userId?: string },
): Promise<{ rows: ModelView[]; total: number }> {
  const scope = params.publicOnly
    ? and(eq(models.visibility, "public"), eq(projects.visibility, "public"))
    : eq(models.workspaceId, params.workspaceId!);
  const after = params.afterId
    ? sql`(${models.createdAt}, ${models.id}) < (select m.created_at, m.id from models m where m.id = ${params.afterId})`
    : undefined;
  const [rows, [count]] = await Promise.all([
    viewQuery(db, params.userId)
      .where(and(scope, live, after))
      .orderBy(desc(models.createdAt), desc(models.id))
      .limit(params.limit),
    db
      .select({ total: sql<number>`count(*)`.mapWith(Number) })
      .from(models)
      .innerJoin(projects, eq(projects.id, models.projectId))
      .where(and(scope, live)),
  ]);
  return { rows, total: count?.total ?? 0 };
}

/** Removes a model's files of these names (every revision); answers their object keys. */
export async function deleteModelFiles(tx: Queryable, modelId: string, names: string[]): Promise<string[]> {
  const rows = await tx
    .delete(modelFiles)
    .where(and(eq(modelFiles.modelId, modelId), inArray(modelFiles.name, names)))
    .returning({ objectKey: modelFiles.objectKey });
  return rows.map((row) => row.objectKey);
}

export async function isModelSlugTaken(db: Queryable, projectId: string, slug: string): Promise<boolean> {
  const [row] = await db
    .select({ id: models.id })
    .from(models)
    .where(and(eq(models.projectId, projectId), eq(models.slug, slug), isNull(models.deletedAt)))
    .limit(1);
  return Boolean(row);
}

export async function insertModel(db: Queryable, values: NewModel): Promise<ModelRow> {
  const [row] = await db.insert(models).values(values).returning();
  return row!;
}

export async function updateModelFields(
  db: Queryable,
  id: string,
  changes: Partial<NewModel>,
): Promise<ModelRow | undefined> {
  const [row] = await db
    .update(models)
    .set(changes)
    .where(and(eq(models.id, id), isNull(models.deletedAt)))
    .returning();
  return row;
}

/** What setStar needs to star a model. */
export const modelStarTables: StarTables = {
  resources: models,
  id: models.id,
  starCount: models.starCount,
  stars: modelStars,
  starredId: modelStars.modelId,
  starredBy: modelStars.userId,
};

export async function countDownload(db: Queryable, modelId: string): Promise<void> {
  await db
    .update(models)
    .set({ downloadCount: sql`${models.downloadCount} + 1` })
    .where(eq(models.id, modelId));
}

/** Soft delete plus its trash row, in one transaction; false when the model was already gone. */
export async function moveModelToTrash(db: Database, view: ModelView, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [trashed] = await tx
      .update(models)
      .set({ deletedAt: now })
      .where(and(eq(models.id, view.model.id), isNull(models.deletedAt)))
      .returning({ id: models.id });
    if (!trashed) return false;
    await tx.insert(trashItems).values({
      resourceType: "model",
      resourceId: view.model.id,
      workspaceId: view.model.workspaceId,
      name: view.model.name,
      slug: view.model.slug,
      sizeBytes: await modelBytes(tx, view.model.id),
      parentId: view.project.id,
      parentName: view.project.name,
      parentSlug: view.project.slug,
      trashedAt: now,
    });
    return true;
  });
}

async function modelBytes(tx: Queryable, modelId: string): Promise<number> {
  const [row] = await tx
    .select({ bytes: sql<number>`coalesce(sum(${modelFiles.sizeBytes}), 0)`.mapWith(Number) })
    .from(modelFiles)
    .where(eq(modelFiles.modelId, modelId));
  return row?.bytes ?? 0;
}

export async function restoreTrashedModel(tx: Queryable, id: string): Promise<boolean> {
  const [row] = await tx
    .update(models)
    .set({ deletedAt: null })
    .where(and(eq(models.id, id), isNotNull(models.deletedAt)))
    .returning({ id: models.id });
  return Boolean(row);
}

export async function deleteTrashedModel(tx: Queryable, id: string): Promise<void> {
  await tx.delete(models).where(and(eq(models.id, id), isNotNull(models.deletedAt)));
}

/** Models that went to the trash with their project (same deletedAt), for restore and purge. */
export async function modelIdsOfProject(tx: Queryable, projectId: string): Promise<string[]> {
  const rows = await tx.select({ id: models.id }).from(models).where(eq(models.projectId, projectId));
  return rows.map((row) => row.id);
}

/** The newest revision of each file name. */
export async function currentFiles(db: Queryable, modelId: string): Promise<ModelFileRow[]> {
  const rows = await db
    .select()
    .from(modelFiles)
    .where(eq(modelFiles.modelId, modelId))
    .orderBy(modelFiles.name, desc(modelFiles.revision));
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.name) && seen.add(row.name));
}

/** Adds the next revision of a file name, in the caller's transaction. */
export async function addModelFile(
  tx: Queryable,
  values: Omit<typeof modelFiles.$inferInsert, "revision">,
): Promise<ModelFileRow> {
  const [row] = await tx
    .insert(modelFiles)
    .values({
      ...values,
      revision: sql`coalesce((select max(${modelFiles.revision}) from ${modelFiles} where ${modelFiles.modelId} = ${values.modelId} and ${modelFiles.name} = ${values.name}), 0) + 1`,
    })
    .returning();
  return row!;
}

export async function countLiveModels(db: Queryable, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(models)
    .innerJoin(projects, eq(projects.id, models.projectId))
    .where(and(eq(models.workspaceId, workspaceId), live));
  return row?.n ?? 0;
}

export async function bumpModelCloneCount(tx: Queryable, modelId: string): Promise<void> {
  await tx
    .update(models)
    .set({ cloneCount: sql`${models.cloneCount} + 1` })
    .where(eq(models.id, modelId));
}

/** Whether the model row exists at all (live or in the trash). */
export async function modelExists(db: Queryable, id: string): Promise<boolean> {
  const [row] = await db.select({ id: models.id }).from(models).where(eq(models.id, id)).limit(1);
  return Boolean(row);
}
