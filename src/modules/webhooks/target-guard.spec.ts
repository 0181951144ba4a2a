import { isPrivateAddress, targetProblem } from './target-guard';

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
});

describe('targetProblem', () => {
  it('refuses other schemes', async () => {
    expect(await targetProblem('ftp://example.com/x', false)).toBe('not-http');
    expect(await targetProblem('javascript:alert(1)', true)).toBe('not-http');
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

  it('accepts public addresses, and private ones when allowed', async () => {
    expect(await targetProblem('https://8.8.8.8/hook', false)).toBeNull();
    expect(await targetProblem('http://127.0.0.1:8080/hook', true)).toBeNull();
  });
});
