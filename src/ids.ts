/**
 * Resource ids are `<prefix>_<20 base36 chars>`. Usernames are 4-32 of [a-z0-9-], so an id
 * can never be read as a username: that is how `/api/projects/{x}` tells an id from an owner.
 */
export const ID_PREFIXES = {
  user: "usr",
  workspace: "wsp",
  apiKey: "key",
  project: "prj",
  upload: "upl",
  model: "mdl",
  dataset: "dst",
  datasetVersion: "dsv",
  modelFile: "mfl",
  job: "job",
  jobOutput: "out",
  export: "exp",
  runner: "rnr",
  credit: "crd",
  trainingRun: "run",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function newId(kind: IdKind): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let body = "";
  for (const byte of bytes) body += ALPHABET[byte % 36];
  return `${ID_PREFIXES[kind]}_${body}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9a-z]{20}$`).test(value);
}

/**
 * Image ids are 24 hex characters, as the contract's are (ObjectId-shaped): the one id without a
 * prefix. `/api/images/{imageId}` has no username form to tell it from, so routing needs none.
 */
export function newImageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
