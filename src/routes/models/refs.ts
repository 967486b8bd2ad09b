import type { ModelRef } from "../../db/models";

/** The two path forms of one model. */
export function modelRefOf(params: { modelId: string } | { owner: string; project: string; model: string }): ModelRef {
  return "modelId" in params ? { id: params.modelId } : { owner: params.owner, project: params.project, slug: params.model };
}
