/**
 * The one way EdgeHub fetches a URL a user gave it (predict `source` in the Worker, ingest `sourceUrl` on a runner):
 * http(s) only; every hop's host resolved (DNS over HTTPS) and refused when any address is not
 * public (ip-ranges.ts); redirects followed by hand, at most MAX_REDIRECTS; the body streamed
 * under a byte cap and the whole exchange under a time limit. Failures say "could not fetch the
 * source" and nothing of the remote's answer, so the route cannot be used to scan a network.
 *
 * Local setups may name hosts the guard lets through (OUTBOUND_ALLOW_HOSTS, "host" or
 * "host:port"), for example a picture server on loopback.
 */
import type { Env } from "../env";
import { ApiError } from "../errors";
import { settingsOf } from "../settings";
import { isPublicAddress } from "./ip-ranges";

const MAX_REDIRECTS = 3;
const BLOCKED_NAMES = /(^|\.)(localhost|local|internal|intranet|home\.arpa|localdomain)$/i;

export interface GuardedFetchOptions {
  /** The field the URL came in, for the error message (`source`). */
  field: string;
  maxBytes: number;
  timeoutMs: number;
}

export interface FetchedBody {
  data: Blob;
  contentType: string;
  /** The URL that answered, after redirects. */
  url: URL;
}

/** Fetches a user-given URL within the guard's rules; throws VALIDATION_ERROR or PAYLOAD_TOO_LARGE. */
export async function guardedFetch(env: Env, raw: string, options: GuardedFetchOptions): Promise<FetchedBody> {
  const { response, url, refuse } = await openGuarded(env, raw, { ...options, accept: "image/*,*/*;q=0.5" });
  const data = await readCapped(response, options, refuse);
  return { data, contentType: response.headers.get("content-type") ?? "application/octet-stream", url };
}

/**
 * The guard's answer before its body is read: a 2xx response from a public address, after at
 * most MAX_REDIRECTS checked hops. For bodies too large to hold (a runner streams an archive to
 * disk); the time limit covers the body too. The caller caps the bytes it reads.
 */
export async function openGuarded(
  env: Env,
  raw: string,
  options: { field: string; timeoutMs: number; accept?: string },
): Promise<{ response: Response; url: URL; refuse: (why?: string) => ApiError }> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const refuse = (why = "could not fetch the source") =>
    new ApiError("VALIDATION_ERROR", `Invalid form: ${options.field}: ${why}`);
  let url = parseUrl(raw, refuse);
  for (let hop = 0; ; hop++) {
    await assertReachable(env, url, refuse, signal);
    let response: Response;
    try {
      response = await fetch(url, { redirect: "manual", signal, headers: { Accept: options.accept ?? "*/*" } });
    } catch {
      throw refuse();
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} redirects`);
      url = parseUrl(response.headers.get("location")!, refuse, url);
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw refuse();
    }
    return { response, url, refuse };
  }
}

/** The URL (a redirect's Location relative to `base`), if it is one the guard fetches at all. */
function parseUrl(raw: string, refuse: (why?: string) => ApiError, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw refuse("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse("only http and https URLs are fetched");
  if (url.username || url.password) throw refuse("URLs with credentials are not fetched");
  return url;
}

/** Refuses a host that is, or resolves to, a non-public address (unless the operator allowed it). */
async function assertReachable(
  env: Env,
  url: URL,
  refuse: (why?: string) => ApiError,
  signal: AbortSignal,
): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (settingsOf(env).OUTBOUND_ALLOW_HOSTS.some((allowed) => allowed === host || allowed === url.host)) return;
  const literal = isPublicAddress(host);
  if (literal === false) throw refuse("the URL's address is not public");
  if (literal === true) return;
  if (BLOCKED_NAMES.test(host) || !host.includes(".")) throw refuse("the URL's address is not public");
  const addresses = await resolve(env, host, signal).catch(() => {
    throw refuse();
  });
  // Any non-public answer refuses: an attacker's name may hold one public and one private address.
  if (!addresses.length || addresses.some((address) => isPublicAddress(address) !== true)) throw refuse();
}

/** A and AAAA records by DNS over HTTPS (the JSON API Cloudflare and Google serve). */
async function resolve(env: Env, host: string, signal: AbortSignal): Promise<string[]> {
  const base = settingsOf(env).OUTBOUND_DNS_URL;
  const answers = await Promise.all(
    ["A", "AAAA"].map(async (type) => {
      const response = await fetch(`${base}?name=${encodeURIComponent(host)}&type=${type}`, {
        headers: { Accept: "application/dns-json" },
        signal,
      });
      if (!response.ok) throw new Error(`DNS ${response.status}`);
      const body = (await response.json()) as { Answer?: { type: number; data: string }[] };
      return (body.Answer ?? [])
        .filter((record) => record.type === 1 || record.type === 28)
        .map((record) => record.data);
    }),
  );
  return answers.flat();
}

async function readCapped(
  response: Response,
  options: GuardedFetchOptions,
  refuse: (why?: string) => ApiError,
): Promise<Blob> {
  const tooLarge = () => new ApiError("PAYLOAD_TOO_LARGE", `${options.field} is larger than ${options.maxBytes} bytes`);
  if (Number(response.headers.get("content-length") ?? 0) > options.maxBytes) {
    await response.body!.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > options.maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw refuse();
  }
  return new Blob(chunks);
}
