import { isIPv4 } from 'node:net';

/** `10.0.0.0/8`-style IPv4 ranges, as npm's `--cidr` accepts them (IPv6 is refused by npm too). */
export function isIpv4Cidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || bits === undefined || !/^\d{1,2}$/.test(bits)) return false;
  return isIPv4(address) && Number(bits) <= 32;
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

/** The IPv4 form of a client address (`::ffff:10.1.2.3` too), or undefined for IPv6. */
export function clientIpv4(address: string): string | undefined {
  const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIPv4(bare) ? bare : undefined;
}

/** True when `address` lies in one of `ranges`. IPv6 clients never match an IPv4 list. */
export function ipInRanges(address: string, ranges: readonly string[]): boolean {
  const ip = clientIpv4(address);
  if (ip === undefined) return false;
  const value = ipv4ToNumber(ip);
  return ranges.some((range) => {
    if (!isIpv4Cidr(range)) return false;
    const [base, bits] = range.split('/');
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(ipv4ToNumber(base) / size) * size;
    return value >= start && value < start + size;
  });
}
