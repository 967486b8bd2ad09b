import { or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { memberships } from "./schema";

/**
 * Who reads: their user and workspace, when signed in. As roleIn decides, an API key acts in its
 * own workspace only; a browser session also in the workspaces its user belongs to.
 */
export interface Viewer {
  userId?: string;
  workspaceId?: string;
  viaSession?: boolean;
}

/** True where the viewer acts in the workspace `workspaceId` names: reads filter private rows by it. */
export function memberOf(workspaceId: AnyPgColumn, viewer: Viewer): SQL {
  if (!viewer.workspaceId) return sql`false`;
  const own = sql`${workspaceId} = ${viewer.workspaceId}`;
  if (!viewer.viaSession || !viewer.userId) return own;
  return or(own, sql`exists (select 1 from ${memberships} where ${memberships.workspaceId} = ${workspaceId} and ${memberships.userId} = ${viewer.userId})`)!;
}
