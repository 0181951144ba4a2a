import { contentTypeFor } from './content-check';

const png = { ext: 'png', mime: 'image/png' };
const zip = { ext: 'zip', mime: 'application/zip' };
const text = Buffer.from('hello, world\n');

describe('contentTypeFor', () => {
  it('accepts a binary whose signature matches its extension', () => {
    expect(contentTypeFor('png', png, Buffer.alloc(8))).toBe('image/png');
  });

  it('refuses a binary whose signature is another format', () => {
    expect(contentTypeFor('pdf', png, Buffer.alloc(8))).toBeNull();
  });

  it('refuses a binary extension without any signature (e.g. text named .png)', () => {
    expect(contentTypeFor('png', undefined, text)).toBeNull();
  });

  it('accepts office documents detected as plain zip archives', () => {
    expect(contentTypeFor('docx', zip, Buffer.alloc(8))).toBe('application/zip');
  });

  it('accepts text without binary signature or NUL bytes', () => {
    expect(contentTypeFor('csv', undefined, text)).toBe('text/csv; charset=utf-8');
  });

  it('refuses a binary renamed to .txt', () => {
    expect(contentTypeFor('txt', png, Buffer.alloc(8))).toBeNull();
  });

  it('refuses text with NUL bytes', () => {
    expect(contentTypeFor('md', undefined, Buffer.from('a\u0000b'))).toBeNull();
  });

  it('lets extra configured extensions through unless they look like another format', () => {
    expect(contentTypeFor('json', undefined, Buffer.from('{}'))).toBe('text/plain; charset=utf-8');
    expect(contentTypeFor('json', png, Buffer.alloc(8))).toBeNull();
  });
});

describe('contentTypeFor, the signature table', () => {
  // What file-type reports for each allowed binary extension (office formats may also be seen as
  // a bare zip, the old binary office formats as a compound file, QuickTime and MP4 as each other).
  const accepted: Array<[extension: string, detectedExt: string]> = [
    ['pdf', 'pdf'],
    ['png', 'png'],
    ['jpg', 'jpg'],
    ['jpeg', 'jpg'],
    ['gif', 'gif'],
    ['webp', 'webp'],
    ['mp4', 'mp4'],
    ['mp4', 'm4v'],
    ['mp4', 'mov'],
    ['mov', 'mov'],
    ['mov', 'mp4'],
    ['webm', 'webm'],
    ['mp3', 'mp3'],
    ['zip', 'zip'],
    ['docx', 'docx'],
    ['docx', 'zip'],
    ['xlsx', 'xlsx'],
    ['xlsx', 'zip'],
    ['pptx', 'pptx'],
    ['pptx', 'zip'],
    ['doc', 'cfb'],
    ['xls', 'cfb'],
    ['ppt', 'cfb'],
  ];

  it.each(accepted)(
    'accepts a .%s upload that file-type detects as %s',
    (extension, detectedExt) => {
      const detected = { ext: detectedExt, mime: `test/${detectedExt}` };
      expect(contentTypeFor(extension, detected, Buffer.alloc(8))).toBe(`test/${detectedExt}`);
    },
  );

  it.each([...new Set(accepted.map(([extension]) => extension))])(
    'refuses a .%s upload without a signature, even when it has NUL bytes',
    (extension) => {
      expect(contentTypeFor(extension, undefined, Buffer.alloc(8))).toBeNull();
    },
  );

  it('refuses a zip archive named after a format that is not a zip container', () => {
    expect(contentTypeFor('pdf', zip, Buffer.alloc(8))).toBeNull();
    expect(contentTypeFor('doc', zip, Buffer.alloc(8))).toBeNull();
  });
});

describe('contentTypeFor, text formats', () => {
  it.each([
    ['txt', 'text/plain; charset=utf-8'],
    ['md', 'text/markdown; charset=utf-8'],
    ['csv', 'text/csv; charset=utf-8'],
  ])('stores clean .%s text as %s', (extension, type) => {
    expect(contentTypeFor(extension, undefined, text)).toBe(type);
  });

  it.each(['txt', 'md', 'csv'])('refuses .%s text with a NUL byte', (extension) => {
    expect(contentTypeFor(extension, undefined, Buffer.from('a\u0000b'))).toBeNull();
  });
});

describe('contentTypeFor, extensions outside the table', () => {
  it('keeps the detected type when the signature matches the extension', () => {
    const gzip = { ext: 'gz', mime: 'application/gzip' };
    expect(contentTypeFor('gz', gzip, Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBe(
      'application/gzip',
    );
  });

  it('stores undetected bytes with a NUL as an opaque binary', () => {
    expect(contentTypeFor('bin', undefined, Buffer.from([0x00, 0x01, 0x02]))).toBe(
      'application/octet-stream',
    );
  });
});
