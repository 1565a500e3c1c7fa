import { clientIpv4, ipInRanges, isIpv4Cidr } from './cidr';

describe('CIDR whitelists', () => {
  it('accepts IPv4 CIDR notation only', () => {
    expect(isIpv4Cidr('10.0.0.0/8')).toBe(true);
    expect(isIpv4Cidr('192.168.1.7/32')).toBe(true);
    expect(isIpv4Cidr('0.0.0.0/0')).toBe(true);
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0/8', '::1/128', '10.0.0.0/8/1', '10.0.0.0/x']) expect(isIpv4Cidr(bad)).toBe(false);
  });

  it('matches addresses inside a range, including IPv4-mapped IPv6', () => {
    expect(ipInRanges('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(ipInRanges('::ffff:10.1.2.3', ['192.168.0.0/16', '10.0.0.0/8'])).toBe(true);
    expect(ipInRanges('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
    expect(ipInRanges('192.168.1.7', ['192.168.1.7/32'])).toBe(true);
    expect(ipInRanges('192.168.1.8', ['192.168.1.7/32'])).toBe(false);
    expect(ipInRanges('8.8.8.8', ['0.0.0.0/0'])).toBe(true);
    expect(ipInRanges('::1', ['0.0.0.0/0'])).toBe(false);
    expect(clientIpv4('::1')).toBeUndefined();
  });
});
