import { createRoute, type RouteConfig } from "@hono/zod-openapi";

/** What an operation's two addresses share: method, tags, texts, responses, and a body if any. */
type SharedSpec = Omit<RouteConfig, "path" | "operationId">;
/** What each address has of its own; it may also override the shared summary or description. */
type AddressSpec = Pick<RouteConfig, "path" | "operationId" | "request"> &
  Partial<Pick<RouteConfig, "summary" | "description">>;

/**
 * Declares one operation at both of its addresses: the contract's owner/slug path (`byOwner`) and
 * the docs' id path (`byId`). They differ in path, operation id and params (merged over the shared
 * request); each handler turns its params into a ref for the same service call.
 */
export function pairedRoutes<S extends SharedSpec, O extends AddressSpec, I extends AddressSpec>(
  shared: S,
  forms: { byOwner: O; byId: I },
) {
  return { byOwner: address(shared, forms.byOwner), byId: address(shared, forms.byId) };
}

function address<S extends SharedSpec, A extends AddressSpec>(shared: S, form: A) {
  const request = { ...shared.request, ...form.request } as S["request"] & A["request"];
  return createRoute({ ...shared, ...form, request });
}
