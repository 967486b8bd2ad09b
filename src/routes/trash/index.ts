import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { deleteTrashRoute, emptyTrashRoute, handleDeleteTrash, handleEmptyTrash } from "./delete";
import { handleListTrash, listTrashRoute } from "./list";
import { handleRestoreTrash, restoreTrashRoute } from "./restore";

export function registerTrashRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, emptyTrashRoute, handleEmptyTrash);
  mount(app, listTrashRoute, handleListTrash);
  mount(app, restoreTrashRoute, handleRestoreTrash);
  mount(app, deleteTrashRoute, handleDeleteTrash);
}
