import type { SignedInActor } from "../auth/actor";
import { generateApiKey } from "../auth/api-key";
import { keyGateName } from "../auth/authenticate";
import type { Deps } from "../context";
import { listActiveKeys, newApiKeyRow, revokeKey } from "../db/identity";
import { apiKeys } from "../db/schema";
import { ApiError } from "../errors";

export async function listKeys(deps: Deps, actor: SignedInActor) {
  return listActiveKeys(deps.db, actor.workspaceId);
}

/** Creates a key for the caller's workspace. The plaintext is returned once and never stored. */
export async function createKey(deps: Deps, actor: SignedInActor, name: string) {
  const key = generateApiKey();
  const [row] = await deps.db
    .insert(apiKeys)
    .values({ ...(await newApiKeyRow(key, { workspaceId: actor.workspaceId, userId: actor.userId, name })), createdAt: deps.now() })
    .returning({ id: apiKeys.id, name: apiKeys.name, keyPrefix: apiKeys.keyPrefix, createdAt: apiKeys.createdAt });
  return { ...row!, key };
}

/** Revokes in Postgres, then tells the key's gate, which every isolate consults: it fails at once everywhere. */
export async function deleteKey(deps: Deps, actor: SignedInActor, keyId: string): Promise<void> {
  const keyHash = await revokeKey(deps.db, actor.workspaceId, keyId, deps.now());
  if (!keyHash) throw new ApiError("NOT_FOUND", "API key not found");
  const gate = deps.env.KEY_GATE.get(deps.env.KEY_GATE.idFromName(keyGateName(keyHash)));
  await gate.revoke();
}
