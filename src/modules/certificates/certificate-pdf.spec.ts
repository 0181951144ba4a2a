import { decodePDFRawStream, PDFDocument, PDFRawStream } from 'pdf-lib';
import { printable, renderCertificatePdf } from './certificate-pdf';

/** The text drawn on the pages: pdf-lib writes standard-font text as hex strings in Tj operators. */
async function textOf(bytes: Uint8Array): Promise<string> {
  const pdf = await PDFDocument.load(bytes);
  const texts: string[] = [];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    const content = Buffer.from(decodePDFRawStream(object).decode()).toString('latin1');
    for (const match of content.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) {
      texts.push(Buffer.from(match[1], 'hex').toString('latin1'));
    }
  }
  return texts.join('\n');
}

describe('renderCertificatePdf', () => {
  const content = {
    courseTitle: 'Intro to TypeScript',
    studentName: 'Ada Lovelace',
    instructorName: 'Grace Hopper',
    completedAt: new Date('2026-11-24T10:00:00Z'),
    certificateNumber: 'CERT-20261124-7K3Q9XH2M4',
    verificationUrl: 'https://lms.example.com/api/v1/certificates/verify/CERT-20261124-7K3Q9XH2M4',
  };

  it('is a one-page landscape PDF', async () => {
    const bytes = await renderCertificatePdf(content);
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(1);
    const { width, height } = pdf.getPage(0).getSize();
    expect(width).toBeGreaterThan(height);
  });

  it('shows the course, student, instructor, completion date, number and verification URL', async () => {
    const text = await textOf(await renderCertificatePdf(content));
    expect(text).toContain('Intro to TypeScript');
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('Grace Hopper');
    expect(text).toContain('2026-11-24');
    expect(text).toContain('CERT-20261124-7K3Q9XH2M4');
    expect(text).toContain(content.verificationUrl);
  });

  it('prints names outside the standard fonts without failing', async () => {
    const text = await textOf(
      await renderCertificatePdf({ ...content, studentName: 'Łukasz Żółć 李' }),
    );
    expect(text).toContain('Lukasz Zólc ?');
  });
});

describe('printable', () => {
  it('keeps Latin-1 and transliterates or replaces the rest', () => {
    expect(printable('José Ñúñez')).toBe('José Ñúñez');
    expect(printable('Dvořák')).toBe('Dvorák');
    expect(printable('日本')).toBe('??');
  });
});
