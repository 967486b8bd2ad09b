import { or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { memberships } from "./schema";

/**
 * Who reads: their user and workspace, when signed in. As roleIn decides, an API key acts in its
 * own workspace only; a browser session also in the workspaces its user belongs to.
 */
export interface Viewer {
  /** A placeholder in statements rendered once (src/db/rendered.ts). */
  userId?: string | SQLWrapper;
  workspaceId?: string | SQLWrapper;
  viaSession?: boolean;
}

/** True where the viewer acts in the workspace `workspaceId` names: reads filter private rows by it. */
export function memberOf(workspaceId: AnyPgColumn, viewer: Viewer): SQL {
  if (!viewer.workspaceId) return sql`false`;
  const own = sql`${workspaceId} = ${viewer.workspaceId}`;
  if (!viewer.viaSession || !viewer.userId) return own;
  return or(
    own,
    sql`exists (select 1 from ${memberships} where ${memberships.workspaceId} = ${workspaceId} and ${memberships.userId} = ${viewer.userId})`,
  )!;
}

/** How a viewer changes a statement's SQL, for statements rendered once (src/db/rendered.ts). */
export type ViewerShape = "anonymous" | "key" | "session";

export function viewerShape(viewer: Viewer): ViewerShape {
  if (!viewer.workspaceId || !viewer.userId) return "anonymous";
  return viewer.viaSession ? "session" : "key";
}

/** A viewer of that shape whose user and workspace are the placeholders `userId` and `workspaceId`. */
export function placeholderViewer(shape: ViewerShape): Viewer {
  if (shape === "anonymous") return {};
  return {
    userId: sql.placeholder("userId"),
    workspaceId: sql.placeholder("workspaceId"),
    viaSession: shape === "session",
  };
}
