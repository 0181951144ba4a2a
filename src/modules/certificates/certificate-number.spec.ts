import { CERTIFICATE_NUMBER_PATTERN, newCertificateNumber } from './certificate-number';

describe('newCertificateNumber', () => {
  it('has the date and ten base32 characters', () => {
    const number = newCertificateNumber(new Date('2026-11-24T23:59:00Z'));
    expect(number).toMatch(/^CERT-20261124-[0-9A-Z]{10}$/);
    expect(number).toMatch(CERTIFICATE_NUMBER_PATTERN);
  });

  it('never uses the ambiguous letters I, L, O or U', () => {
    const many = Array.from({ length: 500 }, () => newCertificateNumber(new Date()).slice(14)).join(
      '',
    );
    expect(many).not.toMatch(/[ILOU]/);
  });

  it('does not repeat itself', () => {
    const numbers = new Set(Array.from({ length: 1000 }, () => newCertificateNumber(new Date())));
    expect(numbers.size).toBe(1000);
  });
});
