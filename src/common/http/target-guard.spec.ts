import { lookup } from 'node:dns/promises';
import { isPrivateAddress, targetProblem } from './target-guard';

// Names resolve through the real resolver unless a test says what they resolve to.
jest.mock('node:dns/promises', () => {
  const actual = jest.requireActual<typeof import('node:dns/promises')>('node:dns/promises');
  return { ...actual, lookup: jest.fn(actual.lookup) };
});
const resolvesTo = (...addresses: string[]) =>
  (lookup as unknown as jest.Mock).mockResolvedValueOnce(
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
  );

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not-an-ip',
  ])('blocks %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  // First and last address of every blocked range.
  it.each([
    ['0.0.0.0/8', '0.0.0.0', '0.255.255.255'],
    ['10.0.0.0/8', '10.0.0.0', '10.255.255.255'],
    ['100.64.0.0/10', '100.64.0.0', '100.127.255.255'],
    ['127.0.0.0/8', '127.0.0.0', '127.255.255.255'],
    ['169.254.0.0/16', '169.254.0.0', '169.254.255.255'],
    ['172.16.0.0/12', '172.16.0.0', '172.31.255.255'],
    ['192.0.0.0/24', '192.0.0.0', '192.0.0.255'],
    ['192.0.2.0/24', '192.0.2.0', '192.0.2.255'],
    ['192.168.0.0/16', '192.168.0.0', '192.168.255.255'],
    ['198.18.0.0/15', '198.18.0.0', '198.19.255.255'],
    ['198.51.100.0/24', '198.51.100.0', '198.51.100.255'],
    ['203.0.113.0/24', '203.0.113.0', '203.0.113.255'],
    ['224.0.0.0/4', '224.0.0.0', '239.255.255.255'],
    ['240.0.0.0/4', '240.0.0.0', '255.255.255.255'],
    ['::/128', '::', '::'],
    ['::1/128', '::1', '::1'],
    ['64:ff9b::/96', '64:ff9b::', '64:ff9b::ffff:ffff'],
    ['100::/64', '100::', '100::ffff:ffff:ffff:ffff'],
    ['2001:db8::/32', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['fc00::/7', 'fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['fe80::/10', 'fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['ff00::/8', 'ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ])('blocks all of %s (%s to %s)', (_range, first, last) => {
    expect(isPrivateAddress(first)).toBe(true);
    expect(isPrivateAddress(last)).toBe(true);
  });

  // The public neighbours just outside the blocked ranges.
  it.each([
    '1.0.0.0',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '192.0.1.0',
    '192.0.3.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '198.51.99.255',
    '198.51.101.0',
    '203.0.112.255',
    '203.0.114.0',
    '223.255.255.255',
    '64:ff9b::1:0:0',
    '100:0:0:1::',
    '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
    '2001:db9::',
    'fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    'fe00::',
    'fec0::',
  ])('allows the public neighbour %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it.each(['::FFFF:10.0.0.1', '::ffff:a00:1', '0:0:0:0:0:ffff:7f00:1'])(
    'checks the IPv4-mapped address %s against the IPv4 ranges',
    (address) => {
      expect(isPrivateAddress(address)).toBe(true);
    },
  );

  it('does not read an IPv4 suffix of another IPv6 address as IPv4', () => {
    expect(isPrivateAddress('2606:4700::ffff:10.0.0.1')).toBe(false);
  });
});

describe('targetProblem', () => {
  it('refuses other schemes', async () => {
    expect(await targetProblem('ftp://example.com/x', false)).toBe('not-http');
    expect(await targetProblem('javascript:alert(1)', true)).toBe('not-http');
  });

  it('refuses what is not a URL, even when private targets are allowed', async () => {
    expect(await targetProblem('not a url', false)).toBe('not-http');
    expect(await targetProblem('example.com/hook', true)).toBe('not-http');
  });

  it('refuses loopback and metadata addresses, by literal or by name', async () => {
    expect(await targetProblem('http://127.0.0.1:8080/hook', false)).toBe('private');
    expect(await targetProblem('http://[::1]/hook', false)).toBe('private');
    expect(await targetProblem('http://169.254.169.254/latest/meta-data', false)).toBe('private');
    expect(await targetProblem('http://localhost/hook', false)).toBe('private');
  });

  it('refuses names that do not resolve', async () => {
    expect(await targetProblem('https://does-not-exist.invalid/hook', false)).toBe('unresolvable');
  });

  it('refuses a name whose lookup comes back empty', async () => {
    resolvesTo();
    expect(await targetProblem('https://hooks.example.com/x', false)).toBe('unresolvable');
  });

  it('refuses a name that resolves to one public and one private address', async () => {
    resolvesTo('93.184.216.34', '10.0.0.5');
    expect(await targetProblem('https://hooks.example.com/x', false)).toBe('private');
    resolvesTo('2606:2800:220:1::1', 'fd00::5');
    expect(await targetProblem('https://hooks.example.com/x', false)).toBe('private');
  });

  it('accepts a name whose every address is public, looking up all of them', async () => {
    resolvesTo('93.184.216.34', '2606:2800:220:1::1');
    expect(await targetProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(lookup).toHaveBeenLastCalledWith('hooks.example.com', { all: true });
  });

  it('accepts public addresses, and private ones when allowed', async () => {
    expect(await targetProblem('https://8.8.8.8/hook', false)).toBeNull();
    expect(await targetProblem('https://[2606:4700:4700::1111]/hook', false)).toBeNull();
    expect(await targetProblem('http://127.0.0.1:8080/hook', true)).toBeNull();
    expect(await targetProblem('http://[::1]/hook', true)).toBeNull();
  });
});
