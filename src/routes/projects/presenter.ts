import type { ProjectView } from "../../db/projects";
import type { ModelSummary } from "../../services/projects";
import type { ProjectJson } from "./schemas";

/** Where a project's uploaded icon is served. */
export function projectIconUrl(baseUrl: string, projectId: string): string {
  return `${baseUrl}/api/projects/${projectId}/icon`;
}

/** The one presenter of a project: the contract's Project, nothing from the row beyond it. */
export function toProject(
  view: ProjectView,
  baseUrl: string,
  models: ModelSummary = { count: 0, names: [] },
): ProjectJson {
  const p = view.project;
  return {
    id: p.id,
    owner: view.owner,
    project: p.slug,
    name: p.name,
    description: p.description,
    visibility: p.visibility,
    tags: p.tags,
    ...(p.license ? { license: p.license as ProjectJson["license"] } : {}),
    ...(p.iconColor ? { iconColor: p.iconColor } : {}),
    ...(p.iconLetter ? { iconLetter: p.iconLetter } : {}),
    ...(p.iconKey ? { iconImage: projectIconUrl(baseUrl, p.id) } : {}),
    modelCount: models.count,
    modelNames: models.names,
    starCount: p.starCount,
    isStarred: view.isStarred,
    archived: p.archived,
    region: view.region,
    ...(p.task ? { task: p.task as ProjectJson["task"] } : {}),
    ...(p.clonedFrom ? { clonedFrom: p.clonedFrom } : {}),
    cloneCount: p.cloneCount,
    ...(p.viewPreferences ? { viewPreferences: p.viewPreferences as ProjectJson["viewPreferences"] } : {}),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** What a create answers: where the new project lives. */
export function toCreatedProject(view: ProjectView) {
  return { id: view.project.id, owner: view.owner, project: view.project.slug, region: view.region };
}

/** Detail adds the metadata. */
export function toProjectDetail(view: ProjectView, baseUrl: string, models?: ModelSummary) {
  return { ...toProject(view, baseUrl, models), metadata: view.project.metadata };
}

/** The docs' alias fields (`_id`, `slug`, `username`) for id-path answers. */
export function withAliases<T extends { id: string; project: string; owner: string }>(project: T) {
  return { ...project, _id: project.id, slug: project.project, username: project.owner };
}
