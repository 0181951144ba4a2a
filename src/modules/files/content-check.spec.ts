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
