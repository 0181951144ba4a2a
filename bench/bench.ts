/**
 * `npm run bench [-- <subcommand>] [options]`: builds (the npm script), then dispatches.
 *
 *   (none)      bench/run-http.ts: every HTTP scenario (catalogue, course-by-id, my-courses,
 *               analytics, quiz start+submit, login), as before
 *   catalogue   bench/run-http.ts limited to the catalogue trio (cached page, uncached page, the
 *               bare raw-catalogue-server.mjs), 2,000 seeded students unless --students is given
 *   exam        bench/exam-http.ts: N students start and submit a timed quiz at once, the API and
 *               the bare raw-exam-server.mjs side by side (--students N, 300 by default)
 *   help        this text
 *
 * Options after the subcommand go to the script (`--help` lists them).
 */
import { readFileSync } from 'node:fs';

const [subcommand, ...rest] = process.argv.slice(2);
const isOption = (arg: string | undefined) => arg === undefined || arg.startsWith('-');

if (isOption(subcommand)) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the script runs on load
  require('./run-http');
} else if (subcommand === 'catalogue') {
  const given = (name: string) => rest.some((arg) => arg === name || arg.startsWith(`${name}=`));
  process.argv = [
    ...process.argv.slice(0, 2),
    ...(given('--only') ? [] : ['--only', 'catalogue,catalogue-uncached,raw-catalogue']),
    ...(given('--students') ? [] : ['--students', '2000']),
    ...rest,
  ];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the script runs on load
  require('./run-http');
} else if (subcommand === 'exam') {
  process.argv = [...process.argv.slice(0, 2), ...rest];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the script runs on load
  require('./exam-http');
} else {
  console.log(
    readFileSync(__filename, 'utf8')
      .split('*/')[0]
      .replace(/^\/\*\*|^ \* ?/gm, ''),
  );
  process.exit(subcommand === 'help' ? 0 : 2);
}
