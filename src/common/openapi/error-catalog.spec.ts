import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODE_BY_STATUS } from '../errors/error-codes';
import { ALL_ERROR_CODES, ERROR_CODES_BY_STATUS, errorExample } from './error-catalog';

const SRC = join(__dirname, '..', '..');

/** Upper-case string literals that are not error codes. */
const NOT_ERROR_CODES = new Set([
  'DESC',
  'ASC',
  'NFKD',
  'NFC',
  'STORED',
  'POST',
  'GET',
  'PUT',
  'REDIS_CLIENT',
  // Redis SCAN arguments.
  'MATCH',
  'COUNT',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Codes passed to the error classes: `'SLUG_TAKEN'` in a file that throws or defines errors. */
function codesUsedInSource(): string[] {
  const codes = new Set<string>();
  for (const dir of ['common', 'modules', 'infra', 'observability']) {
    for (const file of sourceFiles(join(SRC, dir))) {
      const text = readFileSync(file, 'utf8');
      if (!/Error\b/.test(text)) continue;
      for (const [, code] of text.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})'/g)) {
        if (!NOT_ERROR_CODES.has(code) && !code.startsWith('SIG')) codes.add(code);
      }
    }
  }
  return [...codes].sort();
}

describe('error catalog', () => {
  it('lists every error code that src/ uses (add new codes to error-catalog.ts)', () => {
    const used = codesUsedInSource();
    expect(used).toEqual(expect.arrayContaining(['SLUG_TAKEN', 'INVALID_CREDENTIALS']));
    const missing = used.filter((code) => !(ALL_ERROR_CODES as readonly string[]).includes(code));
    expect(missing).toEqual([]);
  });

  it("starts each status with the contract's code for it", () => {
    for (const [status, codes] of Object.entries(ERROR_CODES_BY_STATUS)) {
      expect(codes[0]).toBe(ERROR_CODE_BY_STATUS[Number(status)]);
    }
  });

  it('gives every status an example whose code belongs to that status', () => {
    for (const [status, codes] of Object.entries(ERROR_CODES_BY_STATUS)) {
      expect(codes).toContain(errorExample(Number(status)).error.code);
    }
  });

  it('lists each code once', () => {
    expect(new Set(ALL_ERROR_CODES).size).toBe(ALL_ERROR_CODES.length);
  });
});
