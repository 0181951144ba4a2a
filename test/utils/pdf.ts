import { decodePDFRawStream, PDFDocument, PDFRawStream } from 'pdf-lib';

/** The text drawn on the pages: pdf-lib writes standard-font text as hex strings in Tj operators. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
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
