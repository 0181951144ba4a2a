/**
 * Imported first by every entry point: on an older Node the app would die later with an obscure
 * error (`crypto is not defined` on Node 18). Keep in step with package.json `engines`.
 */
export const MINIMUM_NODE = '20.19.0';

export function nodeVersionProblem(version: string): string | undefined {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  const [needMajor, needMinor] = MINIMUM_NODE.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return (
    `Node.js ${MINIMUM_NODE} or newer is required, this is ${version}. ` +
    'Install a current Node 20 or 22 (e.g. `nvm install 20`) and run the command again.'
  );
}

const problem = nodeVersionProblem(process.version);
if (problem) {
  console.error(problem);
  process.exit(1);
}
