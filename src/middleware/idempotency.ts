import type { MiddlewareHandler } from "hono";
import { actorScope } from "../auth/actor";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import type { OperationRule } from "../operations";
import { release, remember, reserve } from "../services/idempotency";

/**
 * Honours `Idempotency-Key` on POSTs that create: a retry with the same key and body gets
 * the first answer (marked `Idempotent-Replayed: true`) and creates nothing. An answer that
 * minted a secret (an API key) is never stored: its replay is a CONFLICT naming what was made.
 */
export const idempotency =
  (rule: OperationRule): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ApiError("VALIDATION_ERROR", "Idempotency-Key must be 1-255 visible ASCII characters");
    }
    const { db } = c.var.deps;
    const scope = actorScope(c.var.actor);
    const body = await c.req.text();
    const reservation = await reserve(db, scope, key, `${c.req.method} ${c.req.path}\n${body}`);
    if (reservation.kind === "replay") {
      if (rule.mintsSecret) {
        const made = reservation.body;
        throw new ApiError(
          "CONFLICT",
          `A request with this Idempotency-Key already created ${made}; its secret was shown once and is not stored`,
        );
      }
      return new Response(reservation.body, {
        status: reservation.status,
        headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
      });
    }

    try {
      await next();
    } catch (error) {
      await release(db, scope, key);
      throw error;
    }
    // Only successes are remembered: a refused request may be corrected and retried under the same key.
    if (c.res.status >= 300) {
      await release(db, scope, key);
      return;
    }
    const answer = rule.mintsSecret ? createdName(await c.res.clone().json()) : await c.res.clone().text();
    await remember(db, scope, key, c.res.status, answer);
  };

/** What a secret-minting answer made, without the secret: "API key key_... (name)". */
function createdName(answer: { keyId?: string; id?: string; name?: string }): string {
  return `${answer.keyId ? "API key" : "resource"} ${answer.keyId ?? answer.id ?? "?"}${answer.name ? ` (${answer.name})` : ""}`;
}
