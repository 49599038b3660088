// IP allowlists: IPv4 and IPv6 CIDRs (a bare address means a single host). Matching uses node:net's
// BlockList, which compares addresses as numbers, so "10.0.0.1/8" and "10.0.0.0/8" mean the same network
// and IPv6 spellings ("::1", "0:0::1") compare equal.
import { BlockList, isIP } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An IPv4-mapped IPv6 address ("::ffff:1.2.3.4", how dual-stack sockets report IPv4 peers) as plain IPv4. */
export function normalizeIp(ip: string): string {
  return MAPPED_V4.exec(ip)?.[1] ?? ip;
}

/** Parses "a.b.c.d/n", "x:y::z/n" or a bare address; undefined if it is not one. Zone ids are refused. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text);
  if (!match) return undefined;
  const address = normalizeIp(match[1] as string);
  const version = isIP(address);
  if (version === 0 || address.includes('%')) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = match[2] === undefined ? max : Number(match[2]);
  // "01" or "001" are not prefixes anyone writes on purpose.
  if (prefix > max || (match[2] !== undefined && match[2] !== String(prefix))) return undefined;
  return { address, prefix, family };
}

/**
 * A compiled allowlist. Empty means every address is allowed. The families are kept apart (BlockList alone
 * would let "::/0" admit every IPv4 client through the mapped range): IPv4 entries match IPv4 clients,
 * IPv6 entries IPv6 clients.
 */
export class IpAllowlist {
  private readonly v4 = new BlockList();
  private readonly v6 = new BlockList();
  readonly empty: boolean;

  constructor(cidrs: readonly string[]) {
    this.empty = cidrs.length === 0;
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      // Stored entries were validated on the way in; an entry that no longer parses allows nothing.
      if (cidr) (cidr.family === 'ipv4' ? this.v4 : this.v6).addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
  }

  allows(ip: string): boolean {
    if (this.empty) return true;
    const address = normalizeIp(ip);
    const version = isIP(address);
    if (version === 4) return this.v4.check(address, 'ipv4');
    if (version === 6 && !address.includes('%')) return this.v6.check(address, 'ipv6');
    return false;
  }
}
