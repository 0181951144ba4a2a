/**
 * What the first bytes of an upload must look like for its extension. Binary formats are
 * recognised by their signature (`file-type`); text formats must carry no binary signature and no
 * NUL byte. Extensions not listed here (added through ALLOWED_UPLOAD_EXTENSIONS) must not look like
 * another known format.
 */
const BINARY_SIGNATURES: Record<string, readonly string[]> = {
  pdf: ['pdf'],
  png: ['png'],
  jpg: ['jpg'],
  jpeg: ['jpg'],
  gif: ['gif'],
  webp: ['webp'],
  mp4: ['mp4', 'm4v', 'mov'],
  mov: ['mov', 'mp4'],
  webm: ['webm'],
  mp3: ['mp3'],
  zip: ['zip'],
  docx: ['docx', 'zip'],
  xlsx: ['xlsx', 'zip'],
  pptx: ['pptx', 'zip'],
  doc: ['cfb'],
  xls: ['cfb'],
  ppt: ['cfb'],
};

export const TEXT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
};

export interface Detected {
  ext: string;
  mime: string;
}

/** The content type to store, or null when the bytes do not match the extension. */
export function contentTypeFor(
  extension: string,
  detected: Detected | undefined,
  head: Buffer,
): string | null {
  const text = TEXT_TYPES[extension];
  if (text) return detected || head.includes(0) ? null : `${text}; charset=utf-8`;
  const expected = BINARY_SIGNATURES[extension];
  if (expected) return detected && expected.includes(detected.ext) ? detected.mime : null;
  if (detected) return detected.ext === extension ? detected.mime : null;
  return head.includes(0) ? 'application/octet-stream' : 'text/plain; charset=utf-8';
}
