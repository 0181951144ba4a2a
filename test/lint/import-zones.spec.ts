import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * ESLint loads eslint.config.mjs with a dynamic import(), which jest's VM refuses on Node 20, so the
 * probes are linted by ESLint's Node API in a child process. Only `no-restricted-imports` runs and
 * without type information: that keeps the run at a second or two.
 */
const LINT = `
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
const probes = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});
const results = [];
for (const { file, source } of probes) {
  const [result] = await eslint.lintText(source, { filePath: file });
  results.push(result.messages.map((m) => m.ruleId + ': ' + m.message));
}
process.stdout.write(JSON.stringify(results));
`;

interface Probe {
  /** Where the file would be: the zones are chosen by path, as for a real file there. */
  file: string;
  from: string;
}

/** The `no-restricted-imports` messages for `import { x } from '<from>'` in each probe's file. */
function lint(probes: Probe[]): string[][] {
  const input = probes.map(({ file, from }) => ({
    file: join(ROOT, file),
    source: `import { x } from '${from}';\nexport const y = x;\n`,
  }));
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT], {
    cwd: ROOT,
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

const UPWARD = /common\/ and infra\/ must not import/;
const FOREIGN = /another module's repository or entity/;

describe('import zones in eslint.config.mjs', () => {
  const upward: Probe[] = [
    { file: 'src/common/filters/probe.ts', from: '../../modules/users/users.service' },
    { file: 'src/common/filters/probe.ts', from: '../../observability/error-reporting' },
    { file: 'src/common/probe.ts', from: '../error-codes' },
    { file: 'src/infra/queue/probe.ts', from: '../../modules/courses/courses.repository' },
    { file: 'src/infra/queue/probe.ts', from: '../../observability/metrics/metrics.module' },
    { file: 'src/infra/queue/probe.ts', from: '../../app.module' },
  ];
  const foreign: Probe[] = [
    { file: 'src/modules/auth/probe.ts', from: '../users/entities/user.entity' },
    { file: 'src/modules/auth/probe.ts', from: '../users/users.repository' },
    { file: 'src/modules/quizzes/dto/probe.ts', from: '../../courses/entities/course.entity' },
    { file: 'src/modules/enrollments/jobs/probe.ts', from: '../../courses/lessons.repository' },
    { file: 'src/modules/access/probe.ts', from: '../enrollments/enrollments.repository' },
  ];
  const allowed: Probe[] = [
    { file: 'src/common/filters/probe.ts', from: '../errors/error-reporter' },
    { file: 'src/infra/queue/probe.ts', from: '../../config/configuration' },
    { file: 'src/modules/auth/probe.ts', from: './entities/refresh-token.entity' },
    { file: 'src/modules/auth/probe.ts', from: './refresh-tokens.repository' },
    { file: 'src/modules/auth/guards/probe.ts', from: '../refresh-tokens.repository' },
    { file: 'src/modules/courses/dto/probe.ts', from: '../entities/course.entity' },
    { file: 'src/modules/courses/dto/probe.ts', from: '../../courses/entities/lesson.entity' },
    { file: 'src/modules/auth/probe.ts', from: '../users/users.service' },
    { file: 'src/modules/auth/probe.ts', from: '../users/dto/user.response' },
    { file: 'src/modules/quizzes/probe.ts', from: '../access/access.policy' },
    { file: 'src/observability/probe.ts', from: '../modules/users/users.repository' },
  ];

  // One child process for all probes: ESLint's start-up is most of the cost.
  let results: string[][];
  beforeAll(() => {
    results = lint([...upward, ...foreign, ...allowed]);
  });
  const resultsOf = (offset: number, count: number) => results.slice(offset, offset + count);

  it('refuses imports from common/ and infra/ up into modules/, observability/ or the root', () => {
    for (const [index, messages] of resultsOf(0, upward.length).entries()) {
      expect({ probe: upward[index], messages }).toEqual({
        probe: upward[index],
        messages: [expect.stringMatching(UPWARD)],
      });
    }
  });

  it("refuses a module's import of another module's repository or entity", () => {
    for (const [index, messages] of resultsOf(upward.length, foreign.length).entries()) {
      expect({ probe: foreign[index], messages }).toEqual({
        probe: foreign[index],
        messages: [expect.stringMatching(FOREIGN)],
      });
    }
  });

  it("allows downward imports, a module's own storage and other modules' services and DTOs", () => {
    const offset = upward.length + foreign.length;
    for (const [index, messages] of resultsOf(offset, allowed.length).entries()) {
      expect({ probe: allowed[index], messages }).toEqual({ probe: allowed[index], messages: [] });
    }
  });
});
