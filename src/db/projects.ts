import { and, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "./client";
import { memberships, projects, projectStars, workspaces } from "./schema";

export type ProjectRow = typeof projects.$inferSelect;

/** A project with what its presenter needs from around it. */
export interface ProjectView {
  project: ProjectRow;
  owner: string;
  region: "us" | "eu" | "ap";
  isStarred: boolean;
}

export type ProjectRef = { id: string } | { owner: string; slug: string };

/** The viewer of a read: their user and workspace, when signed in. */
export interface Viewer {
  userId?: string;
  workspaceId?: string;
}

function starredBy(userId: string | undefined): SQL<boolean> {
  if (!userId) return sql<boolean>`false`;
  return sql<boolean>`exists (select 1 from ${projectStars} where ${projectStars.projectId} = ${projects.id} and ${projectStars.userId} = ${userId})`;
}

function refMatches(ref: ProjectRef): SQL | undefined {
  return "id" in ref ? eq(projects.id, ref.id) : and(eq(workspaces.username, ref.owner), eq(projects.slug, ref.slug));
}

/** One query: the live project, its owner's handle and region, and whether the viewer starred it. */
export async function findProject(db: Queryable, ref: ProjectRef, viewer: Viewer = {}): Promise<ProjectView | undefined> {
  const [row] = await db
    .select({ project: projects, owner: workspaces.username, region: workspaces.region, isStarred: starredBy(viewer.userId) })
    .from(projects)
    .innerJoin(workspaces, eq(workspaces.id, projects.workspaceId))
    .where(and(refMatches(ref), isNull(projects.deletedAt)))
    .limit(1);
  return row;
}

/**
 * One query: the owner's live projects the viewer may see (all of them for members, public
 * ones for others), newest first, with the total. `ownerFound` is false for an unknown owner.
 */
export async function listProjects(
  db: Queryable,
  params: { owner: string; viewer: Viewer; limit: number },
): Promise<{ ownerFound: boolean; region: "us" | "eu" | "ap"; rows: ProjectView[]; total: number }> {
  const { viewer } = params;
  const member = viewer.userId
    ? or(
        eq(workspaces.id, viewer.workspaceId ?? ""),
        sql`exists (select 1 from ${memberships} where ${memberships.workspaceId} = ${workspaces.id} and ${memberships.userId} = ${viewer.userId})`,
      )
    : sql`false`;
  const rows = await db
    .select({
      project: projects,
      owner: workspaces.username,
      region: workspaces.region,
      isStarred: starredBy(viewer.userId),
      total: sql<number>`count(${projects.id}) over ()`.mapWith(Number),
    })
    .from(workspaces)
    .leftJoin(projects, and(eq(projects.workspaceId, workspaces.id), isNull(projects.deletedAt), or(eq(projects.visibility, "public"), member)))
    .where(eq(workspaces.username, params.owner))
    .orderBy(desc(projects.createdAt), desc(projects.id))
    .limit(params.limit);
  const live = rows.filter((row): row is typeof row & { project: ProjectRow } => row.project !== null);
  return { ownerFound: rows.length > 0, region: rows[0]?.region ?? "us", rows: live, total: rows[0]?.total ?? 0 };
}

export async function isSlugTaken(db: Queryable, workspaceId: string, slug: string): Promise<boolean> {
  const [row] = await db
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.workspaceId, workspaceId), eq(projects.slug, slug), isNull(projects.deletedAt)))
    .limit(1);
  return Boolean(row);
}

export async function countLiveProjects(db: Queryable, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(projects)
    .where(and(eq(projects.workspaceId, workspaceId), isNull(projects.deletedAt)));
  return row?.n ?? 0;
}
