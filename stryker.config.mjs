// @ts-check
// Mutation testing of the core rule files (npm run test:mutation; see docs/testing.md).
// Runs the jest `unit` project only: e2e tests need databases and are too slow per mutant.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.js',
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // The machine is shared: one test process at a time.
  concurrency: 1,
  mutate: [
    'src/modules/quizzes/grading.ts',
    'src/modules/quizzes/question-rules.ts',
    'src/modules/enrollments/progress.ts',
    'src/modules/auth/token.service.ts',
    'src/modules/webhooks/webhook-signature.ts',
    'src/common/http/target-guard.ts',
    'src/modules/courses/slug.ts',
    'src/modules/files/content-check.ts',
    'src/infra/crypto/secret-box.ts',
    'src/modules/access/access.policy.ts',
    'src/common/http/json-depth.ts',
    'src/common/pipes/reject-nul.pipe.ts',
  ],
  ignorePatterns: ['dist', 'coverage', 'data', 'reports', 'test', 'bench', 'deploy', 'migrations'],
  thresholds: { high: 90, low: 80, break: 75 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
};
