import type { KeyScope } from "./scopes";

/** Who is calling: the result of authentication, before any access decision. */
export type Actor =
  | {
      kind: "key";
      keyId: string;
      userId: string;
      workspaceId: string;
      username: string;
      scopes: KeyScope[];
      /** Set for a cloud training job's own key: the one model it may act on (src/services/training/job-keys.ts). */
      boundTo?: { modelId: string; jobId: string };
    }
  | { kind: "session"; userId: string; workspaceId: string; username: string }
  | { kind: "anonymous"; ip: string };

export type SignedInActor = Exclude<Actor, { kind: "anonymous" }>;

export function isSignedIn(actor: Actor): actor is SignedInActor {
  return actor.kind !== "anonymous";
}

/** The rate-limit and idempotency scope of a caller. */
export function actorScope(actor: Actor): string {
  switch (actor.kind) {
    case "key":
      return `key:${actor.keyId}`;
    case "session":
      return `user:${actor.userId}`;
    case "anonymous":
      return `ip:${actor.ip}`;
  }
}
