import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { documentOnly, mount } from "../mount";
import { cloneProjectByIdRoute, cloneProjectRoute, handleCloneProject, handleCloneProjectById } from "./clone";
import { createProjectRoute, handleCreateProject } from "./create";
import { deleteProjectByIdRoute, deleteProjectRoute, handleDeleteProject, handleDeleteProjectById } from "./delete";
import { getProjectByIdRoute, getProjectRoute, handleGetProjectRoute } from "./get";
import { deleteProjectIconRoute, getProjectIconRoute, handleDeleteProjectIcon, handleUploadProjectIcon, uploadProjectIconRoute } from "./icon";
import { handleListOwnerProjects, handleListProjects, listOwnerProjectsRoute, listProjects } from "./list";
import { handleUpdateProject, handleUpdateProjectById, updateProjectByIdRoute, updateProjectRoute } from "./update";

export function registerProjectRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, listProjects, handleListProjects);
  mount(app, createProjectRoute, handleCreateProject);
  mount(app, listOwnerProjectsRoute, handleListOwnerProjects);
  documentOnly(app, getProjectByIdRoute);
  mount(app, getProjectRoute, handleGetProjectRoute);
  documentOnly(app, getProjectIconRoute);
  mount(app, updateProjectByIdRoute, handleUpdateProjectById);
  mount(app, updateProjectRoute, handleUpdateProject);
  mount(app, deleteProjectByIdRoute, handleDeleteProjectById);
  mount(app, deleteProjectRoute, handleDeleteProject);
  mount(app, cloneProjectByIdRoute, handleCloneProjectById);
  mount(app, cloneProjectRoute, handleCloneProject);
  mount(app, uploadProjectIconRoute, handleUploadProjectIcon);
  mount(app, deleteProjectIconRoute, handleDeleteProjectIcon);
}
