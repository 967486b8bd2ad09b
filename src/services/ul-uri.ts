/**
 * `ul://` names, the ultralytics package's way to name Platform resources: `ul://owner/project/model`
 * and `ul://owner/datasets/slug` (a project cannot be called `datasets` in such a name). One parser
 * and one printer for both, so training, auto-annotate and the model-dataset link agree on them.
 */

const SEGMENT = "([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)";
const UL_NAME = new RegExp(`^ul://${SEGMENT}/${SEGMENT}/${SEGMENT}$`);

export type UlName =
  | { kind: "model"; ref: { owner: string; project: string; slug: string } }
  | { kind: "dataset"; ref: { owner: string; slug: string } };

/** The resource a `ul://` name points at, or undefined when the value is not one. */
export function parseUlName(value: unknown): UlName | undefined {
  const match = typeof value === "string" ? UL_NAME.exec(value) : null;
  if (!match) return undefined;
  const [, owner, middle, slug] = match as unknown as [string, string, string, string];
  return middle === "datasets"
    ? { kind: "dataset", ref: { owner, slug } }
    : { kind: "model", ref: { owner, project: middle, slug } };
}

export function modelUlName(owner: string, project: string, slug: string): string {
  return `ul://${owner}/${project}/${slug}`;
}

export function datasetUlName(owner: string, slug: string): string {
  return `ul://${owner}/datasets/${slug}`;
}
