import { isUniqueViolation } from "../db/errors";
import { ApiError } from "../errors";

/** The edit rules projects, models and datasets share. */

/** A display name made into a URL name: "My Project 2" -> "my-project-2". */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 128)
    .replace(/-+$/, "");
}

/** A PATCH of `{starred}` alone stars for the caller; with anything else it is an edit. */
export function isStarOnly(patch: { starred?: boolean }): patch is { starred: boolean } {
  return (
    patch.starred !== undefined &&
    Object.entries(patch).every(([key, value]) => key === "starred" || value === undefined)
  );
}

/** The contract: renaming the display name renames the URL name, unless one is given. */
export function slugAfterEdit(changes: { slug?: string; name?: string }, current: string): string | undefined {
  return changes.slug ?? (changes.name !== undefined ? slugify(changes.name) || current : undefined);
}

/** Runs a write whose unique index keeps names unique; a duplicate is the CONFLICT `message` says. */
export async function orConflict<T>(write: () => Promise<T>, message: () => string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError("CONFLICT", message());
    throw error;
  }
}
