import type { SignedInActor } from "../auth/actor";
import { generateApiKey } from "../auth/api-key";
import { keyGateName } from "../auth/authenticate";
import type { Deps } from "../context";
import type { KeyScope } from "../auth/scopes";
import { findActiveKey, listActiveKeys, newApiKeyRow, revokeKey } from "../db/identity";
import { apiKeys } from "../db/schema";
import { ApiError } from "../errors";

export async function listKeys(deps: Deps, actor: SignedInActor) {
  return listActiveKeys(deps.db, actor.workspaceId);
}

/** Creates a key for the caller's workspace. The plaintext is returned once and never stored. */
export async function createKey(deps: Deps, actor: SignedInActor, input: { name: string; scopes?: KeyScope[] }) {
  const key = generateApiKey();
  const scopes = input.scopes ? [...new Set(input.scopes)] : undefined;
  const [row] = await deps.db
    .insert(apiKeys)
    .values({
      ...(await newApiKeyRow(key, { workspaceId: actor.workspaceId, userId: actor.userId, name: input.name, scopes })),
      createdAt: deps.now(),
    })
    .returning({
      id: apiKeys.id,
      name: apiKeys.name,
      keyPrefix: apiKeys.keyPrefix,
      createdAt: apiKeys.createdAt,
      scopes: apiKeys.scopes,
    });
  return { ...row!, key };
}

export async function getKey(deps: Deps, actor: SignedInActor, keyId: string) {
  const row = await findActiveKey(deps.db, actor.workspaceId, keyId);
  if (!row) throw new ApiError("NOT_FOUND", "API key not found");
  return row;
}

/** Revokes in Postgres, then tells the key's gate, which every isolate consults: it fails at once everywhere. */
export async function deleteKey(deps: Deps, actor: SignedInActor, keyId: string): Promise<void> {
  const keyHash = await revokeKey(deps.db, actor.workspaceId, keyId, deps.now());
  if (!keyHash) throw new ApiError("NOT_FOUND", "API key not found");
  const gate = deps.env.KEY_GATE.get(deps.env.KEY_GATE.idFromName(keyGateName(keyHash)));
  await gate.revoke();
}
