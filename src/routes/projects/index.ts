import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { cloneProjectByIdRoute, cloneProjectRoute, handleCloneProject, handleCloneProjectById } from "./clone";
import { createProjectRoute, handleCreateProject } from "./create";
import { deleteProjectByIdRoute, deleteProjectRoute, handleDeleteProject, handleDeleteProjectById } from "./delete";
import { getProjectByIdRoute, getProjectRoute, handleGetProject, handleGetProjectById } from "./get";
import {
  deleteProjectIconRoute,
  getProjectIconRoute,
  handleDeleteProjectIcon,
  handleGetProjectIcon,
  handleUploadProjectIcon,
  uploadProjectIconRoute,
} from "./icon";
import { handleListOwnerProjects, handleListProjects, listOwnerProjectsRoute, listProjects } from "./list";
import { handleUpdateProject, handleUpdateProjectById, updateProjectByIdRoute, updateProjectRoute } from "./update";

export function registerProjectRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, listProjects, handleListProjects);
  mount(app, createProjectRoute, handleCreateProject);
  mount(app, listOwnerProjectsRoute, handleListOwnerProjects);
  mount(app, getProjectByIdRoute, handleGetProjectById);
  mount(app, getProjectRoute, handleGetProject);
  mount(app, getProjectIconRoute, handleGetProjectIcon);
  mount(app, updateProjectByIdRoute, handleUpdateProjectById);
  mount(app, updateProjectRoute, handleUpdateProject);
  mount(app, deleteProjectByIdRoute, handleDeleteProjectById);
  mount(app, deleteProjectRoute, handleDeleteProject);
  mount(app, cloneProjectByIdRoute, handleCloneProjectById);
  mount(app, cloneProjectRoute, handleCloneProject);
  mount(app, uploadProjectIconRoute, handleUploadProjectIcon);
  mount(app, deleteProjectIconRoute, handleDeleteProjectIcon);
}
