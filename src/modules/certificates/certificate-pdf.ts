import type { Color, PDFFont, PDFPage } from 'pdf-lib';

export interface CertificateContent {
  courseTitle: string;
  /** null once the student's personal data was erased: the certificate names no one. */
  studentName: string | null;
  instructorName: string;
  completedAt: Date;
  certificateNumber: string;
  verificationUrl: string;
}

const PAGE = { width: 842, height: 595 }; // A4 landscape, points
/** Ink, muted and accent colours as RGB fractions. */
const INK = [0.12, 0.16, 0.22] as const;
const MUTED = [0.4, 0.45, 0.52] as const;
const ACCENT = [0.16, 0.38, 0.72] as const;

/**
 * The standard PDF fonts only cover Windows-1252: other characters are transliterated where
 * possible (é stays é, ł becomes l) and replaced by "?" otherwise.
 */
const NO_DECOMPOSITION: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i' };

export function printable(text: string): string {
  return [...text]
    .map((char) => {
      if (/^[\x20-\x7e\u00a0-\u00ff]$/.test(char)) return char;
      const base = (NO_DECOMPOSITION[char] ?? char)
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '');
      return /^[\x20-\x7e]+$/.test(base) ? base : '?';
    })
    .join('');
}

function centered(
  page: PDFPage,
  text: string,
  y: number,
  font: PDFFont,
  size: number,
  color: Color,
): void {
  const safe = printable(text);
  let fontSize = size;
  while (font.widthOfTextAtSize(safe, fontSize) > PAGE.width - 120 && fontSize > 10) fontSize -= 1;
  const width = font.widthOfTextAtSize(safe, fontSize);
  page.drawText(safe, { x: (PAGE.width - width) / 2, y, size: fontSize, font, color });
}

/**
 * A one-page landscape certificate with a QR code of the verification URL. pdf-lib and qrcode
 * are loaded on the first certificate, not when a process starts: the API rarely renders one and
 * they weigh about 15 MB (bench/RESULTS.md, issue 23).
 */
export async function renderCertificatePdf(content: CertificateContent): Promise<Uint8Array> {
  const [{ PDFDocument, rgb, StandardFonts }, { toBuffer: qrPng }] = await Promise.all([
    import('pdf-lib'),
    import('qrcode'),
  ]);
  const [ink, muted, accent] = [INK, MUTED, ACCENT].map((c) => rgb(c[0], c[1], c[2]));
  const pdf = await PDFDocument.create();
  pdf.setTitle(printable(`Certificate ${content.certificateNumber}`));
  pdf.setSubject(printable(content.courseTitle));
  pdf.setProducer('LMS');
  const page = pdf.addPage([PAGE.width, PAGE.height]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const serif = await pdf.embedFont(StandardFonts.TimesRomanBoldItalic);

  page.drawRectangle({
    x: 24,
    y: 24,
    width: PAGE.width - 48,
    height: PAGE.height - 48,
    borderColor: accent,
    borderWidth: 3,
  });
  page.drawRectangle({
    x: 34,
    y: 34,
    width: PAGE.width - 68,
    height: PAGE.height - 68,
    borderColor: accent,
    borderWidth: 0.75,
  });

  centered(page, 'CERTIFICATE OF COMPLETION', 470, bold, 30, accent);
  centered(page, 'This certifies that', 420, regular, 14, muted);
  centered(page, content.studentName ?? 'the holder of this certificate', 375, serif, 36, ink);
  centered(page, 'has successfully completed the course', 335, regular, 14, muted);
  centered(page, content.courseTitle, 295, bold, 24, ink);
  centered(page, `Instructor: ${content.instructorName}`, 255, regular, 13, ink);
  centered(
    page,
    `Completed on ${content.completedAt.toISOString().slice(0, 10)}`,
    235,
    regular,
    13,
    ink,
  );

  const qr = await pdf.embedPng(
    await qrPng(content.verificationUrl, { type: 'png', margin: 1, width: 220 }),
  );
  page.drawImage(qr, { x: PAGE.width - 170, y: 60, width: 110, height: 110 });
  page.drawText(`Certificate no. ${content.certificateNumber}`, {
    x: 60,
    y: 100,
    size: 11,
    font: bold,
    color: ink,
  });
  page.drawText('Verify at:', { x: 60, y: 82, size: 10, font: regular, color: muted });
  page.drawText(printable(content.verificationUrl), {
    x: 60,
    y: 66,
    size: 9,
    font: regular,
    color: accent,
  });

  return pdf.save();
}
