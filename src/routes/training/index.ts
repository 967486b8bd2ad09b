import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import { gpuAvailabilityRoute, handleGpuAvailability } from "./availability";
import { handleStartTraining, startTrainingRoute } from "./start";

/** Cloud training on the runner fleet; a run's progress is under /api/models/{id}/training. */
export function registerTrainingRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, startTrainingRoute, handleStartTraining);
  mount(app, gpuAvailabilityRoute, handleGpuAvailability);
}
