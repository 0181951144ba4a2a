import { cleanFileName, extensionOf } from './file-name';

describe('cleanFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ada\\notes.txt', 'notes.txt'],
    ['bad\u0000name\u0007.txt', 'badname.txt'],
    ['  spaced.md  ', 'spaced.md'],
    ['..', 'file'],
    ['', 'file'],
    [undefined, 'file'],
  ])('turns %j into %j', (raw, expected) => {
    expect(cleanFileName(raw)).toBe(expected);
  });

  it('caps long names and keeps the extension', () => {
    const name = cleanFileName(`${'a'.repeat(300)}.pdf`);
    expect(name).toHaveLength(255);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('extensionOf', () => {
  it.each([
    ['a.PDF', 'pdf'],
    ['archive.tar.gz', 'gz'],
    ['noext', ''],
    ['.hidden', ''],
  ])('%s -> %j', (name, ext) => {
    expect(extensionOf(name)).toBe(ext);
  });
});
