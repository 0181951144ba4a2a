/**
 * `value` as a URL on 127.0.0.1; exits 2 when it names another host (benchmarks write into the
 * databases and Redis they are given, so they only ever talk to this machine).
 */
export function loopbackUrl(name: string, value: string): URL {
  const url = new URL(value);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    console.error(`${name} must point at 127.0.0.1 (got host ${url.hostname})`);
    process.exit(2);
  }
  url.hostname = '127.0.0.1';
  return url;
}
