// ESM-only dependencies (otplib's @scure/@noble, file-type and friends) are compiled to CommonJS
// by ts-jest, since jest cannot load ES modules on Node 20 without experimental flags.
const ESM_PACKAGES = [
  '@scure',
  '@noble',
  'otplib',
  '@otplib',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer',
  '@borewit',
];

const tsJest = [
  'ts-jest',
  {
    tsconfig: {
      module: 'commonjs',
      moduleResolution: 'node10',
      isolatedModules: true,
      allowJs: true,
      esModuleInterop: true,
      emitDecoratorMetadata: true,
      experimentalDecorators: true,
      target: 'ES2022',
    },
  },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': tsJest },
  transformIgnorePatterns: [`node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // file-type's export map only offers `import`; point jest at the file it transforms.
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
};

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  maxWorkers: process.env.CI ? 2 : '50%',
  testTimeout: 30_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
    },
    {
      // The repository's own rules: ESLint's import zones.
      ...shared,
      displayName: 'lint',
      testMatch: ['<rootDir>/test/lint/**/*.spec.ts'],
    },
    {
      // Cross-file checks of the deployment files against the code (env schema, metrics).
      ...shared,
      displayName: 'deploy',
      testMatch: ['<rootDir>/test/deploy/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
      setupFiles: ['<rootDir>/test/utils/test-env.ts'],
    },
    {
      // One service with its real repositories on a cloned database; only the edges are faked.
      ...shared,
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
      setupFiles: ['<rootDir>/test/utils/test-env.ts'],
    },
  ],
};
