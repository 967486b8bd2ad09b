import { createRoute } from "@hono/zod-openapi";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { gpuAvailability } from "../../services/training/cloud";
import { json } from "../common/schemas";
import { GpuAvailabilityResponse } from "./schemas";

export const gpuAvailabilityRoute = createRoute({
  method: "get",
  path: "/api/training/gpu-availability",
  operationId: "get_api_training_gpu_availability",
  tags: ["Training"],
  summary: "GPU availability",
  description:
    "Per GPU type: High (2+ free runner slots), Medium (1), Low (all busy) or null (no live runner offers it), from the live fleet. Public; cacheable for 5 minutes.",
  responses: { 200: json(GpuAvailabilityResponse, "GPU stock status by GPU ID"), ...errorResponses(429) },
});

export const handleGpuAvailability: AppHandler<typeof gpuAvailabilityRoute> = async (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(await gpuAvailability(c.var.deps), 200);
};
