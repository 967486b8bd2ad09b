/**
 * Which addresses a user-given URL may reach: public unicast only. Loopback, private, link-local
 * (cloud metadata at 169.254.169.254), CGNAT, multicast, documentation and reserved ranges are
 * refused, in IPv4 and IPv6, including IPv4 embedded in IPv6 (mapped, NAT64, 6to4).
 */
const BLOCKED_V4: [string, number][] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT (and Alibaba's metadata at 100.100.100.200)
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local: cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

const BLOCKED_V6: [string, number][] = [
  ["::", 128],
  ["::1", 128],
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local (fd00:ec2::254 is AWS metadata)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local
  ["ff00::", 8], // multicast
];

export function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** An IPv6 address as a 128-bit bigint (with an IPv4 tail, "::ffff:1.2.3.4", understood). */
export function parseIPv6(text: string): bigint | undefined {
  let address = text.replace(/^\[|\]$/g, "").toLowerCase();
  if (address.includes("%")) return undefined;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (tail) {
    const v4 = parseIPv4(tail);
    if (v4 === undefined) return undefined;
    address = `${address.slice(0, -tail.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function inV4(address: number, [base, bits]: [string, number]): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (address & mask) >>> 0 === (parseIPv4(base)! & mask) >>> 0;
}

function inV6(address: bigint, [base, bits]: [string, number]): boolean {
  const shift = BigInt(128 - bits);
  return address >> shift === parseIPv6(base)! >> shift;
}

/** The IPv4 address an IPv6 one carries: mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedV4(address: bigint): number | undefined {
  if (address >> 32n === 0xffffn || address >> 32n === 0x0064ff9b0000000000000000n)
    return Number(address & 0xffffffffn);
  if (address >> 112n === 0x2002n) return Number((address >> 80n) & 0xffffffffn);
  if (address >> 32n === 0n) return Number(address & 0xffffffffn); // IPv4-compatible (deprecated)
  return undefined;
}

/** True for an address literal a user's URL may reach; undefined when `host` is no address. */
export function isPublicAddress(host: string): boolean | undefined {
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return !BLOCKED_V4.some((range) => inV4(v4, range));
  const v6 = parseIPv6(host);
  if (v6 === undefined) return undefined;
  if (BLOCKED_V6.some((range) => inV6(v6, range))) return false;
  const inner = embeddedV4(v6);
  return inner === undefined ? true : !BLOCKED_V4.some((range) => inV4(inner, range));
}
