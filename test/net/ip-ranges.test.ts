import { describe, expect, it } from "vitest";
import { isPublicAddress, parseIPv6 } from "../../src/net/ip-ranges";

describe("which addresses a user's URL may reach", () => {
  it("refuses loopback, private, link-local, CGNAT, multicast and reserved IPv4", () => {
    for (const address of [
      "127.0.0.1",
      "127.255.0.9",
      "10.0.0.1",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "100.100.100.200",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "198.18.0.1",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("refuses the same in IPv6, and IPv4 carried inside IPv6", () => {
    for (const address of [
      "::1",
      "[::1]",
      "::",
      "fe80::1",
      "fd00:ec2::254",
      "fc00::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "64:ff9b::a00:1",
      "2002:a00:1::",
      "::127.0.0.1",
      "2001:db8::1",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("lets public addresses through, and says when a host is no address at all", () => {
    for (const address of [
      "93.184.215.14",
      "1.1.1.1",
      "172.32.0.1",
      "100.128.0.1",
      "2606:4700:4700::1111",
      "::ffff:8.8.8.8",
    ]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
    expect(isPublicAddress("example.com")).toBeUndefined();
    expect(isPublicAddress("1.2.3")).toBeUndefined();
    expect(parseIPv6("1::2::3")).toBeUndefined();
    expect(parseIPv6("2606:4700:4700::1111")).toBe(0x26064700470000000000000000001111n);
  });
});
