import { z } from "@hono/zod-openapi";
import { isId } from "../../ids";
import {
  DisplayName,
  License,
  Metadata,
  Region,
  Slug,
  Tags,
  Task,
  Timestamp,
  Username,
  Visibility,
} from "../common/schemas";

export const ProjectId = z
  .string()
  .refine((value) => isId("project", value), "must be a project id (prj_...)")
  .openapi({ description: "Project ID", example: "prj_0123456789abcdefghij" });

export const ProjectIdParams = z.object({ projectId: ProjectId.openapi({ param: { name: "projectId", in: "path" } }) });
export const OwnerProjectParams = z.object({
  owner: Username.openapi({ param: { name: "owner", in: "path" } }),
  project: Slug.openapi({ param: { name: "project", in: "path" } }),
});

const ViewPreferences = z
  .object({
    sortBy: z.enum(["newest", "oldest", "name-asc", "name-desc", "size-asc", "size-desc"]).optional(),
    groupBy: z.enum(["none", "task"]).optional(),
    statusFilter: z.enum(["all", "completed", "untrained", "running", "starting", "failed"]).optional(),
  })
  .strict()
  .openapi({ description: "Shared project-level model view defaults" });

/** The contract's Project, exactly. */
export const Project = z
  .object({
    id: z.string().openapi({ description: "Project ID" }),
    owner: z.string().openapi({ description: "Project owner" }),
    project: z.string().openapi({ description: "Project name used in Platform URLs" }),
    name: z.string().openapi({ description: "Display name" }),
    description: z.string().optional(),
    visibility: Visibility,
    tags: z.array(z.string()).optional(),
    license: License.optional(),
    iconColor: z.string().optional(),
    iconLetter: z.string().optional(),
    iconImage: z.string().optional(),
    modelCount: z.number().int().min(0),
    modelNames: z.array(z.string()).optional(),
    totalBytes: z.number().min(0).optional(),
    starCount: z.number().int().min(0),
    isStarred: z.boolean(),
    archived: z.boolean().optional(),
    region: Region.optional(),
    task: Task.optional(),
    clonedFrom: z.string().optional(),
    cloneCount: z.number().int().min(0).optional(),
    viewPreferences: ViewPreferences.optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Project");

/** The docs' alias fields, added on id-path answers. */
const Aliases = {
  _id: z.string().optional().openapi({ description: "Alias of id (docs' form)" }),
  slug: z.string().optional().openapi({ description: "Alias of project (docs' form)" }),
  username: z.string().optional().openapi({ description: "Alias of owner (docs' form)" }),
};

export const ProjectDetail = Project.extend({ metadata: z.record(z.string(), z.unknown()), ...Aliases }).openapi(
  "ProjectDetail",
);

export const ProjectDetailResponse = z
  .object({ project: ProjectDetail, models: z.array(z.record(z.string(), z.unknown())), isOwner: z.boolean() })
  .openapi("ProjectDetailResponse");

export const ListProjectsResponse = z
  .object({ projects: z.array(Project.extend(Aliases)), total: z.number().int().min(0), region: Region })
  .openapi("ListProjectsResponse");

/** Requests accept both vocabularies: the contract's `project` and the docs' `slug`. */
export const ProjectCreate = z
  .object({
    project: Slug.optional().openapi({ description: "Project name used in Platform URLs" }),
    slug: Slug.optional().openapi({ description: "Alias of project (docs' form)" }),
    name: DisplayName.optional(),
    description: z.string().max(1000).optional(),
    metadata: Metadata.optional(),
    visibility: Visibility.optional(),
    tags: Tags.optional(),
    license: License.optional(),
    owner: Username.optional().openapi({ description: "Workspace owner" }),
  })
  .refine((body) => body.project ?? body.slug ?? body.name, {
    message: "project (or slug, or name) is required",
    path: ["project"],
  })
  .refine((body) => !(body.project && body.slug && body.project !== body.slug), {
    message: "project and slug disagree",
    path: ["slug"],
  })
  .openapi("ProjectCreate");

export const CreateProjectResponse = z
  .object({ id: z.string(), owner: z.string(), project: z.string(), region: Region })
  .openapi("CreateProjectResponse");

export const ProjectUpdate = z
  .object({
    starred: z.boolean().optional(),
    name: DisplayName.optional(),
    project: Slug.optional().openapi({
      description: "New project name used in URLs (EdgeHub; defaults to the name's slug)",
    }),
    slug: Slug.optional().openapi({ description: "Alias of project (docs' form)" }),
    description: z.string().max(1000).optional(),
    metadata: Metadata.optional(),
    visibility: Visibility.optional(),
    tags: Tags.optional(),
    license: License.optional(),
    archived: z.boolean().optional(),
    iconColor: z.string().max(50).optional(),
    iconLetter: z.union([z.string().max(2), z.null()]).optional(),
    viewPreferences: ViewPreferences.optional(),
  })
  .openapi("ProjectUpdate");

export const ProjectPatchResponse = z
  .union([
    z.object({ success: z.literal(true), project: z.string() }),
    z.object({ starred: z.boolean(), starCount: z.number().int().min(0) }),
  ])
  .openapi("ProjectPatchResponse");

export const DeleteProjectResponse = z
  .object({ success: z.literal(true), cascadedModels: z.number().int().min(0) })
  .openapi("DeleteProjectResponse");

export const ProjectCloneBody = z
  .object({
    name: DisplayName.optional(),
    description: z.string().max(1000).optional(),
    visibility: Visibility.optional(),
    owner: Username.optional().openapi({ description: "Destination owner" }),
    project: Slug.optional().openapi({ description: "Name for the cloned project" }),
    slug: Slug.optional().openapi({ description: "Alias of project (docs' form)" }),
    license: License.optional(),
  })
  .openapi("ProjectClone");

export const CloneProjectResponse = z
  .object({
    id: z.string(),
    owner: z.string(),
    project: z.string(),
    name: z.string(),
    modelCount: z.number().int().min(0),
    region: Region,
  })
  .openapi("CloneProjectResponse");

export type ProjectJson = z.infer<typeof Project>;
