// @ts-check
import { readdirSync } from 'node:fs';
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The domain modules: every folder of src/modules. */
const MODULES = readdirSync(new URL('./src/modules', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * One-way dependencies (STYLE.md, "Layers"). `no-restricted-imports` sees the import text, not
 * the resolved file, so the patterns read relative paths:
 * - common/ and infra/ sit below the modules and observability: an import naming a `modules` or
 *   `observability` folder, or one of the top-level composition files, runs upward.
 * - Inside src/modules/<m>, a path that climbs out (`../`) into another folder and then reaches an
 *   `entities/` folder or a `*.repository` file is another module's storage: ask that module's
 *   service instead. Climbing out and back into <m> itself is allowed. The access module reads
 *   other modules' tables by raw SQL in its own repository, so the same rule holds for it.
 * eslint-zones.spec.ts lints violating files with this configuration to prove the rules bite.
 */
const UPWARD =
  'common/ and infra/ must not import modules/, observability/ or the composition root';
const lowerLayerZone = {
  files: ['src/common/**/*.ts', 'src/infra/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: '(^|/)(modules|observability)(/|$)', message: UPWARD },
          {
            regex: '^(\\.\\./)+(app\\.module|worker\\.module|app\\.setup|main|worker|error-codes)$',
            message: UPWARD,
          },
        ],
      },
    ],
  },
};

const moduleZone = (name) => ({
  files: [`src/modules/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `(^|/)\\.\\./(?!${name}/)[^/.][^/]*/(.+/)?(entities/|[^/]*\\.repository$)`,
            message: `${name}: another module's repository or entity; call that module's exported service`,
          },
        ],
      },
    ],
  },
});

/** Node's globals, for the plain JavaScript entry points (.mjs) that run outside TypeScript. */
const NODE_GLOBALS = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'globalThis',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'fetch',
    'AbortController',
    'AbortSignal',
    'performance',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      'sdk/**',
      // Stryker's sandboxes (left behind when a run fails) and reports
      '.stryker-tmp/**',
      'reports/**',
      '*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['src/cli.ts', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: NODE_GLOBALS,
    },
  },
  lowerLayerZone,
  ...MODULES.map(moduleZone),
);
