import { cleanFullName, emailProblem, fullNameFor, normalizeEmail } from './email-rows';

describe('bulk enrollment rows', () => {
  it.each([
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['bob@example.com\u0000', 'bob@example.com\uFFFD'],
  ])('normalizes %j to %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });

  it.each([
    ['ada@example.com', null],
    ['first.last+tag@sub.example.org', null],
    ['', 'The email is empty'],
    ['not-an-email', 'Not a valid email address'],
    ['a@b', 'Not a valid email address'],
    ['a b@example.com', 'Not a valid email address'],
    ['bob@example.com\uFFFD', 'Not a valid email address'],
    [`${'x'.repeat(250)}@example.com`, 'Not a valid email address'],
  ])('checks %j', (email, expected) => {
    expect(emailProblem(email)).toBe(expected);
  });

  it('names created accounts after the row, else the local part', () => {
    expect(fullNameFor({ row: 1, email: 'ada@example.com', fullName: ' Ada L. ' })).toBe('Ada L.');
    expect(fullNameFor({ row: 1, email: 'ada@example.com', fullName: null })).toBe('ada');
    expect(cleanFullName('  ')).toBeNull();
    expect(cleanFullName('x'.repeat(300))).toHaveLength(200);
  });
});
