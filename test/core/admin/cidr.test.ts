import { describe, expect, it } from 'vitest';
import { IpAllowlist, normalizeIp, parseCidr } from '../../../lambda/core/admin/cidr';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['203.0.113.7', { address: '203.0.113.7', prefix: 32, family: 'ipv4' }],
    ['0.0.0.0/0', { address: '0.0.0.0', prefix: 0, family: 'ipv4' }],
    ['2001:db8::/32', { address: '2001:db8::', prefix: 32, family: 'ipv6' }],
    ['::1', { address: '::1', prefix: 128, family: 'ipv6' }],
    ['::ffff:192.0.2.1', { address: '192.0.2.1', prefix: 32, family: 'ipv4' }],
  ])('reads %s', (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  it.each([
    '10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/08', '256.0.0.1', '010.0.0.1', '10.0.0', 'fe80::1%eth0',
    '2001:db8:::1', 'localhost', '', ' 10.0.0.1', '10.0.0.1/8/8', '10.0.0.0/-1', '1.2.3.4/ 8',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('IpAllowlist', () => {
  it('allows everything when empty', () => {
    expect(new IpAllowlist([]).allows('198.51.100.1')).toBe(true);
    expect(new IpAllowlist([]).allows('2001:db8::1')).toBe(true);
  });

  it('matches IPv4 networks by their prefix, whatever host bits the entry carries', () => {
    const list = new IpAllowlist(['10.1.2.3/16', '192.0.2.9']);
    expect(list.allows('10.1.255.255')).toBe(true);
    expect(list.allows('10.2.0.0')).toBe(false);
    expect(list.allows('192.0.2.9')).toBe(true);
    expect(list.allows('192.0.2.10')).toBe(false);
  });

  it('matches IPv6 networks and equal spellings of one address', () => {
    const list = new IpAllowlist(['2001:db8:abcd::/48', '0:0::1']);
    expect(list.allows('2001:db8:abcd:12::1')).toBe(true);
    expect(list.allows('2001:db8:abce::1')).toBe(false);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('::2')).toBe(false);
  });

  it('keeps the families apart: an IPv6 network never admits an IPv4 client or the reverse', () => {
    expect(new IpAllowlist(['::/0']).allows('127.0.0.1')).toBe(false);
    expect(new IpAllowlist(['0.0.0.0/0']).allows('::1')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 peer as the IPv4 address it is', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(new IpAllowlist(['127.0.0.0/8']).allows('::ffff:127.0.0.1')).toBe(true);
  });

  it('denies an address it cannot read, and an entry that does not parse allows nothing', () => {
    expect(new IpAllowlist(['10.0.0.0/8']).allows('')).toBe(false);
    expect(new IpAllowlist(['10.0.0.0/8']).allows('not-an-ip')).toBe(false);
    expect(new IpAllowlist(['garbage']).allows('10.0.0.1')).toBe(false);
  });
});
