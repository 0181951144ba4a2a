import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { request as httpRequest, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import type { Response } from 'supertest';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';
import { binaryParser } from '../utils/binary-parser';
import { API, FileBody, payload, UUID } from '../utils/contract';
import { expectExactError } from '../utils/expectations';

const MAX_UPLOAD_BYTES = 50_000;

/** A 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A real, minimal PDF document. */
async function minimalPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.addPage([200, 200]).drawText('hello', { x: 20, y: 100 });
  return Buffer.from(await pdf.save());
}

/** A ZIP archive of stored (uncompressed) entries, written by hand. */
function zipOf(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const fileName = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const DOCX = zipOf({
  '[Content_Types].xml':
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  'word/document.xml': '<w:document/>',
});

interface Part {
  name: string;
  /** Written as is into `filename="..."`: path parts and backslashes reach the server untouched. */
  filename?: string;
  /** Written as `filename*=UTF-8''...` (RFC 5987), the way to send control characters. */
  encodedFilename?: string;
  data: Buffer | string;
}

/** A multipart/form-data body built by hand, so the file name is exactly what the test says. */
function multipart(parts: Part[]): { contentType: string; body: Buffer } {
  const boundary = `----lms-test-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let disposition = `form-data; name="${part.name}"`;
    if (part.filename !== undefined) disposition += `; filename="${part.filename}"`;
    if (part.encodedFilename !== undefined) {
      disposition += `; filename*=UTF-8''${part.encodedFilename}`;
    }
    const type = part.filename !== undefined || part.encodedFilename !== undefined;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n` +
          (type ? 'Content-Type: application/octet-stream\r\n' : '') +
          '\r\n',
        'utf8',
      ),
      Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

function expectFileDetail(res: Response, field: string): void {
  expectExactError(res, 422, 'VALIDATION_ERROR');
  expect((res.body.error.details as Array<{ field?: string }>).map((d) => d.field)).toContain(
    field,
  );
}

/** Listens on a loopback port (supertest reuses a listening server) and returns its base URL. */
async function baseUrlOf(t: TestApp): Promise<string> {
  const server = t.app.getHttpServer() as Server;
  if (!server.listening) {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  }
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Resolves as `promise` does, or fails once `ms` have passed without an outcome. */
async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file below `dir`, relative paths. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('Files (e2e, local storage)', () => {
  let t: TestApp;
  let admin: TestUser;
  let dataDir: string;
  let uploadsDir: string;

  beforeAll(async () => {
    t = await createTestApp({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
    dataDir = t.env.DATA_DIR!;
    uploadsDir = join(dataDir, 'uploads', 'uploads');
    admin = await createUser(t, 'admin');
  });
  afterAll(async () => {
    await t?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const upload = (user: TestUser, data: Buffer | string, filename: string) =>
    t.http
      .post(`${API}/files/upload`)
      .set(...bearer(user))
      .attach('file', Buffer.isBuffer(data) ? data : Buffer.from(data), { filename });

  const uploadRaw = (user: TestUser, parts: Part[]) => {
    const { contentType, body } = multipart(parts);
    return t.http
      .post(`${API}/files/upload`)
      .set(...bearer(user))
      .set('Content-Type', contentType)
      .send(body);
  };

  async function uploadOk(user: TestUser, data: Buffer | string, filename: string) {
    const res = await upload(user, data, filename);
    expect(res.status).toBe(201);
    expectMatchesOpenApi(res, 'post', '/api/v1/files/upload');
    return payload<FileBody>(res);
  }

  async function storageKeyOf(id: string): Promise<string | undefined> {
    const rows = await t.dataSource.query<Array<{ storage_key: string }>>(
      'SELECT storage_key FROM files WHERE id = $1',
      [id],
    );
    return rows[0]?.storage_key;
  }

  async function fileRowsOf(userId: string): Promise<number> {
    const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM files WHERE uploaded_by_id = $1',
      [userId],
    );
    return count;
  }

  const download = (user: TestUser, id: string) =>
    t.http
      .get(`${API}/files/${id}/download`)
      .set(...bearer(user))
      .buffer(true)
      .parse(binaryParser);

  describe('POST /files/upload', () => {
    let student: TestUser;
    beforeAll(async () => {
      student = await createUser(t, 'student');
    });

    it.each([
      ['a PNG image', () => PNG, 'pixel.png', 'image/png'],
      ['a PDF document', minimalPdf, 'syllabus.pdf', 'application/pdf'],
      [
        'a text file',
        () => Buffer.from('hello, world\n'),
        'notes.txt',
        'text/plain; charset=utf-8',
      ],
      ['a CSV file', () => Buffer.from('a,b\n1,2\n'), 'grades.csv', 'text/csv; charset=utf-8'],
      [
        'a Markdown file',
        () => Buffer.from('# Title\n'),
        'README.md',
        'text/markdown; charset=utf-8',
      ],
      ['a ZIP archive', () => zipOf({ 'a.txt': 'a' }), 'bundle.zip', 'application/zip'],
      [
        'a Word document',
        () => DOCX,
        'essay.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
    ])(
      'stores %s under a generated key and answers 201 with its metadata',
      async (_what, make, filename, contentType) => {
        const data = await make();
        const res = await upload(student, data, filename);
        expect(res.status).toBe(201);
        expectMatchesOpenApi(res, 'post', '/api/v1/files/upload');
        const file = payload<FileBody>(res);
        expect(file).toEqual({
          id: expect.stringMatching(UUID),
          originalFilename: filename,
          contentType,
          fileSize: data.length,
          storageProvider: 'local',
          uploadedById: student.id,
          createdAt: expect.any(String),
        });
        expect(Math.abs(Date.parse(file.createdAt) - Date.now())).toBeLessThan(60_000);

        const key = await storageKeyOf(file.id);
        expect(key).toMatch(/^uploads\/[0-9a-f-]{36}$/);
        expect(key).not.toContain(filename);
        const stored = await readFile(join(dataDir, 'uploads', key!));
        expect(stored.equals(data)).toBe(true);
      },
    );

    it('accepts a file of exactly MAX_UPLOAD_BYTES', async () => {
      const file = await uploadOk(student, Buffer.alloc(MAX_UPLOAD_BYTES, 'a'), 'exact.txt');
      expect(file.fileSize).toBe(MAX_UPLOAD_BYTES);
    });

    it.each([
      ['a Unix path', '../../../../tmp/{token}.png'],
      ['a Windows path', '..\\..\\{token}.png'],
      ['an absolute path', '/etc/{token}.png'],
    ])(
      'keeps only the bare name of %s and never writes outside DATA_DIR/uploads',
      async (_what, pattern) => {
        const token = `evil-${randomUUID().slice(0, 8)}`;
        const rawName = pattern.replace('{token}', token);
        const res = await uploadRaw(student, [{ name: 'file', filename: rawName, data: PNG }]);
        expect(res.status).toBe(201);
        expectMatchesOpenApi(res, 'post', '/api/v1/files/upload');
        expect(res.body.data.originalFilename).toBe(`${token}.png`);

        const key = await storageKeyOf(res.body.data.id as string);
        expect(key).toMatch(/^uploads\/[0-9a-f-]{36}$/);
        expect((await readFile(join(dataDir, 'uploads', key!))).equals(PNG)).toBe(true);
        // Nothing named after the client's file anywhere the path could have led.
        const unixName = rawName.replace(/\\/g, '/');
        for (const base of [uploadsDir, join(dataDir, 'uploads'), dataDir, process.cwd(), '/']) {
          expect(existsSync(resolve(base, unixName))).toBe(false);
        }
        expect(existsSync(join('/tmp', `${token}.png`))).toBe(false);
        expect((await filesBelow(dataDir)).filter((path) => path.includes(token))).toEqual([]);
        // The uploads folder only ever holds generated names.
        for (const name of await readdir(uploadsDir)) expect(name).toMatch(UUID);
      },
    );

    it('keeps a UTF-8 file name as browsers send it (raw bytes in filename="...")', async () => {
      const res = await uploadRaw(student, [
        { name: 'file', filename: 'Résumé 日本.txt', data: 'cv' },
      ]);
      expect(res.status).toBe(201);
      expect(res.body.data.originalFilename).toBe('Résumé 日本.txt');
    });

    it('strips control characters from the name (sent RFC 5987-encoded)', async () => {
      const res = await uploadRaw(student, [
        { name: 'file', encodedFilename: 'bad%00na%07me%1F%7F.txt', data: 'text' },
      ]);
      expect(res.status).toBe(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/files/upload');
      expect(res.body.data.originalFilename).toBe('badname.txt');
    });

    it('caps a very long name at 255 characters and keeps its extension', async () => {
      const file = await uploadOk(student, 'text', `${'n'.repeat(400)}.txt`);
      expect(file.originalFilename).toHaveLength(255);
      expect(file.originalFilename.endsWith('.txt')).toBe(true);
    });

    it('answers 413 PAYLOAD_TOO_LARGE over MAX_UPLOAD_BYTES and keeps no object and no row', async () => {
      const user = await createUser(t, 'student');
      const before = await filesBelow(join(dataDir, 'uploads'));
      const text = await upload(user, Buffer.alloc(60_000, 'a'), 'big.txt');
      expectExactError(text, 413, 'PAYLOAD_TOO_LARGE');
      expectMatchesOpenApi(text, 'post', '/api/v1/files/upload');
      const binary = await upload(
        user,
        Buffer.concat([PNG, Buffer.alloc(MAX_UPLOAD_BYTES, 1)]),
        'big.png',
      );
      expectExactError(binary, 413, 'PAYLOAD_TOO_LARGE');
      const oneOver = await upload(user, Buffer.alloc(MAX_UPLOAD_BYTES + 1, 'a'), 'over.txt');
      expectExactError(oneOver, 413, 'PAYLOAD_TOO_LARGE');

      expect(await filesBelow(join(dataDir, 'uploads'))).toEqual(before);
      expect(await fileRowsOf(user.id)).toBe(0);
    });

    it('refuses a Content-Length far above the limit at once, before the body arrives', async () => {
      const user = await createUser(t, 'student');
      const { contentType, body } = multipart([
        { name: 'file', filename: 'huge.txt', data: 'x'.repeat(1024) },
      ]);
      const url = `${await baseUrlOf(t)}${API}/files/upload`;
      const req = httpRequest(url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${user.accessToken}`,
          'Content-Type': contentType,
          'Content-Length': String(10 * 1024 * 1024 * 1024), // 10 GiB announced
        },
      });
      req.on('error', () => undefined); // the server may close the socket after answering
      const response = new Promise<{ status: number; body: string }>((done) => {
        req.on('response', (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        });
      });
      // Only the first kilobyte of the announced 10 GiB is ever sent.
      req.write(body.subarray(0, body.length - 10));
      const answer = await withDeadline(response, 5_000, 'an answer before the body was sent');
      req.destroy();
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({
        success: false,
        error: { code: 'PAYLOAD_TOO_LARGE' },
      });
      expect(await fileRowsOf(user.id)).toBe(0);
    });

    it.each([
      ['an executable (.exe)', 'setup.exe', Buffer.from('MZ\u0090\u0000')],
      ['a name without extension', 'README', Buffer.from('plain text')],
      ['a dotfile without extension', '.bashrc', Buffer.from('export A=1')],
      ['an HTML page (.html)', 'page.html', Buffer.from('<html></html>')],
    ])('answers 415 for %s (extension not allowed)', async (_what, filename, data) => {
      const user = await createUser(t, 'student');
      const res = await upload(user, data, filename);
      expectExactError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectMatchesOpenApi(res, 'post', '/api/v1/files/upload');
      expect(await fileRowsOf(user.id)).toBe(0);
    });

    it.each([
      ['text named .png', 'fake.png', () => Buffer.from('this is not an image')],
      ['a PNG named .pdf', 'fake.pdf', () => PNG],
      ['a PNG named .txt', 'fake.txt', () => PNG],
      ['a PDF named .png', 'fake.png', minimalPdf],
      ['a ZIP named .pdf', 'fake.pdf', () => zipOf({ 'a.txt': 'a' })],
      ['text with NUL bytes named .csv', 'fake.csv', () => Buffer.from('a,b\u0000\n')],
    ])('answers 415 for %s (content does not match the extension)', async (_what, name, make) => {
      const user = await createUser(t, 'student');
      const before = await filesBelow(join(dataDir, 'uploads'));
      const res = await upload(user, await make(), name);
      expectExactError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.message).toContain('does not match');
      expect(await fileRowsOf(user.id)).toBe(0);
      expect(await filesBelow(join(dataDir, 'uploads'))).toEqual(before);
    });

    it('answers 422 for an empty file', async () => {
      const user = await createUser(t, 'student');
      const res = await upload(user, Buffer.alloc(0), 'empty.txt');
      expectFileDetail(res, 'file');
      expectMatchesOpenApi(res, 'post', '/api/v1/files/upload');
      expect(await fileRowsOf(user.id)).toBe(0);
    });

    it('answers 422 for a multipart body without a `file` field', async () => {
      const user = await createUser(t, 'student');
      const onlyText = await uploadRaw(user, [{ name: 'title', data: 'no file here' }]);
      expectFileDetail(onlyText, 'file');
      const otherField = await uploadRaw(user, [
        { name: 'document', filename: 'notes.txt', data: 'hello' },
      ]);
      expectFileDetail(otherField, 'file');
      expect(await fileRowsOf(user.id)).toBe(0);
    });

    it('answers 400 for a body that is not multipart', async () => {
      const json = await t.http
        .post(`${API}/files/upload`)
        .set(...bearer(student))
        .send({ file: 'aGVsbG8=' });
      expectExactError(json, 400, 'BAD_REQUEST');
      expectMatchesOpenApi(json, 'post', '/api/v1/files/upload');
      const none = await t.http.post(`${API}/files/upload`).set(...bearer(student));
      expectExactError(none, 400, 'BAD_REQUEST');
    });

    it('answers 400 for a malformed part header (raw control characters in it)', async () => {
      const res = await uploadRaw(student, [
        { name: 'file', filename: 'bad\u0007name.txt', data: 'x' },
      ]);
      expectExactError(res, 400, 'BAD_REQUEST');
    });
  });

  describe('GET /files', () => {
    let owner: TestUser;
    let other: TestUser;
    let ownIds: string[];

    beforeAll(async () => {
      owner = await createUser(t, 'student');
      other = await createUser(t, 'instructor');
      ownIds = [];
      for (const name of ['one.txt', 'two.txt', 'three.txt']) {
        ownIds.push((await uploadOk(owner, `content of ${name}`, name)).id);
      }
      await uploadOk(other, 'not yours', 'other.txt');
    });

    it('lists only the caller’s own files, newest first, with pagination meta', async () => {
      const first = await t.http
        .get(`${API}/files?page=1&pageSize=2`)
        .set(...bearer(owner))
        .expect(200);
      expectMatchesOpenApi(first, 'get', '/api/v1/files');
      expect(first.body.meta).toEqual({ page: 1, pageSize: 2, total: 3, totalPages: 2 });
      const second = await t.http
        .get(`${API}/files?page=2&pageSize=2`)
        .set(...bearer(owner))
        .expect(200);
      expect(second.body.meta).toEqual({ page: 2, pageSize: 2, total: 3, totalPages: 2 });
      const files = [...first.body.data, ...second.body.data] as FileBody[];
      expect(files.map((f) => f.id).sort()).toEqual([...ownIds].sort());
      expect(files.every((f) => f.uploadedById === owner.id)).toBe(true);
      const times = files.map((f) => Date.parse(f.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('lets a non-admin pass their own id as uploadedById', async () => {
      const res = await t.http
        .get(`${API}/files?uploadedById=${owner.id}`)
        .set(...bearer(owner))
        .expect(200);
      expect(res.body.meta.total).toBe(3);
    });

    it('answers 403 when a non-admin asks for another user’s files', async () => {
      const res = await t.http.get(`${API}/files?uploadedById=${other.id}`).set(...bearer(owner));
      expectExactError(res, 403, 'FORBIDDEN');
      expectMatchesOpenApi(res, 'get', '/api/v1/files');
    });

    it('shows admins everyone’s files and filters them by uploadedById', async () => {
      const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
        'SELECT count(*)::int AS count FROM files',
      );
      const all = await t.http
        .get(`${API}/files?pageSize=100`)
        .set(...bearer(admin))
        .expect(200);
      expectMatchesOpenApi(all, 'get', '/api/v1/files');
      expect(all.body.meta.total).toBe(count);
      const uploaders = new Set(payload<FileBody[]>(all).map((f) => f.uploadedById));
      expect(uploaders.has(owner.id) && uploaders.has(other.id)).toBe(true);

      const filtered = await t.http
        .get(`${API}/files?uploadedById=${owner.id}`)
        .set(...bearer(admin))
        .expect(200);
      expect(filtered.body.meta.total).toBe(3);
      expect(
        payload<FileBody[]>(filtered)
          .map((f) => f.id)
          .sort(),
      ).toEqual([...ownIds].sort());
    });

    it('answers 422 for a malformed uploadedById or page', async () => {
      expectExactError(
        await t.http.get(`${API}/files?uploadedById=nope`).set(...bearer(admin)),
        422,
        'VALIDATION_ERROR',
      );
      expectExactError(
        await t.http.get(`${API}/files?pageSize=101`).set(...bearer(admin)),
        422,
        'VALIDATION_ERROR',
      );
    });
  });

  describe('GET /files/:id and download', () => {
    let owner: TestUser;
    let stranger: TestUser;
    let png: FileBody;
    let text: FileBody;
    const TEXT = 'Grüße, "quoted" — with non-ASCII\n';

    beforeAll(async () => {
      owner = await createUser(t, 'student');
      stranger = await createUser(t, 'student');
      png = await uploadOk(owner, PNG, 'pixel.png');
      const res = await uploadRaw(owner, [
        { name: 'file', encodedFilename: 'R%C3%A9sum%C3%A9%20%22final%22.txt', data: TEXT },
      ]);
      expect(res.status).toBe(201);
      text = payload<FileBody>(res);
      expect(text.originalFilename).toBe('Résumé "final".txt');
    });

    it('shows the metadata to its owner and to admins, 404 to anyone else', async () => {
      const mine = await t.http
        .get(`${API}/files/${png.id}`)
        .set(...bearer(owner))
        .expect(200);
      expectMatchesOpenApi(mine, 'get', '/api/v1/files/{id}');
      expect(mine.body.data).toEqual(png);
      const asAdmin = await t.http
        .get(`${API}/files/${png.id}`)
        .set(...bearer(admin))
        .expect(200);
      expect(asAdmin.body.data).toEqual(png);
      const asStranger = await t.http.get(`${API}/files/${png.id}`).set(...bearer(stranger));
      expectExactError(asStranger, 404, 'NOT_FOUND');
      expectMatchesOpenApi(asStranger, 'get', '/api/v1/files/{id}');
      expectExactError(
        await t.http.get(`${API}/files/${randomUUID()}`).set(...bearer(owner)),
        404,
        'NOT_FOUND',
      );
    });

    it('streams the exact bytes with the stored Content-Type and an attachment disposition', async () => {
      const res = await download(owner, png.id).expect(200);
      expect((res.body as Buffer).equals(PNG)).toBe(true);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['content-length']).toBe(String(PNG.length));
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      expect(res.headers['content-disposition']).toContain('filename="pixel.png"');
      expect(res.headers['cache-control']).toContain('no-store');
    });

    it('offers a non-ASCII, quoted name safely in Content-Disposition', async () => {
      const res = await download(owner, text.id).expect(200);
      expect((res.body as Buffer).toString('utf8')).toBe(TEXT);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      const disposition = res.headers['content-disposition'];
      expect(disposition).toMatch(/^attachment; filename="R_sum_ _final_.txt"; filename\*=UTF-8''/);
      const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)![1];
      expect(decodeURIComponent(encoded)).toBe('Résumé "final".txt');
    });

    it('lets admins download and answers 404 to anyone else', async () => {
      const res = await download(admin, png.id).expect(200);
      expect((res.body as Buffer).equals(PNG)).toBe(true);
      const denied = await t.http.get(`${API}/files/${png.id}/download`).set(...bearer(stranger));
      expectExactError(denied, 404, 'NOT_FOUND');
      expectMatchesOpenApi(denied, 'get', '/api/v1/files/{id}/download');
    });
  });

  describe('DELETE /files/:id', () => {
    it('removes the row and the stored object for the owner', async () => {
      const owner = await createUser(t, 'student');
      const file = await uploadOk(owner, PNG, 'gone.png');
      const path = join(dataDir, 'uploads', (await storageKeyOf(file.id))!);
      expect(existsSync(path)).toBe(true);

      await t.http
        .delete(`${API}/files/${file.id}`)
        .set(...bearer(owner))
        .expect(204)
        .expect((res) => expect(res.text).toBe(''));
      expect(await storageKeyOf(file.id)).toBeUndefined();
      await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
      expectExactError(
        await t.http.get(`${API}/files/${file.id}`).set(...bearer(owner)),
        404,
        'NOT_FOUND',
      );
      expectExactError(
        await t.http.delete(`${API}/files/${file.id}`).set(...bearer(owner)),
        404,
        'NOT_FOUND',
      );
    });

    it('answers 404 to another user and leaves the file in place', async () => {
      const owner = await createUser(t, 'student');
      const stranger = await createUser(t, 'instructor');
      const file = await uploadOk(owner, PNG, 'kept.png');
      const res = await t.http.delete(`${API}/files/${file.id}`).set(...bearer(stranger));
      expectExactError(res, 404, 'NOT_FOUND');
      expectMatchesOpenApi(res, 'delete', '/api/v1/files/{id}');
      const path = join(dataDir, 'uploads', (await storageKeyOf(file.id))!);
      expect((await readFile(path)).equals(PNG)).toBe(true);
      await download(owner, file.id).expect(200);
    });

    it('lets an admin delete anyone’s file', async () => {
      const owner = await createUser(t, 'student');
      const file = await uploadOk(owner, PNG, 'admin-removes.png');
      const path = join(dataDir, 'uploads', (await storageKeyOf(file.id))!);
      await t.http
        .delete(`${API}/files/${file.id}`)
        .set(...bearer(admin))
        .expect(204);
      expect(existsSync(path)).toBe(false);
      expect(await fileRowsOf(owner.id)).toBe(0);
    });
  });

  describe('authentication and ids', () => {
    const id = randomUUID();

    it.each([
      ['post', '/files/upload'],
      ['get', '/files'],
      ['get', '/files/:id'],
      ['get', '/files/:id/download'],
      ['delete', '/files/:id'],
    ] as const)('answers 401 to an anonymous %s %s', async (method, route) => {
      const req = t.http[method](`${API}${route.replace(':id', id)}`);
      const res = method === 'post' ? await req.attach('file', PNG, 'pixel.png') : await req;
      expectExactError(res, 401, 'UNAUTHORIZED');
    });

    it('answers 401 for an invalid token', async () => {
      const res = await t.http.get(`${API}/files`).set('Authorization', 'Bearer not-a-token');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error: { code: expect.any(String) } });
    });

    it.each([
      ['get', '/files/not-a-uuid'],
      ['get', '/files/not-a-uuid/download'],
      ['delete', '/files/not-a-uuid'],
    ] as const)('answers 422 for a non-UUID id on %s %s', async (method, route) => {
      const res = await t.http[method](`${API}${route}`).set(...bearer(admin));
      expectExactError(res, 422, 'VALIDATION_ERROR');
      expect(res.body.error.details).toEqual([{ field: 'id', message: expect.any(String) }]);
    });
  });
});

describe('Files (e2e, rate limit and default size limit)', () => {
  let t: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_UPLOAD_PER_HOUR: '2' });
    dataDir = t.env.DATA_DIR!;
  });
  afterAll(async () => {
    await t?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const upload = (user: TestUser, name: string) =>
    t.http
      .post(`${API}/files/upload`)
      .set(...bearer(user))
      .attach('file', Buffer.from(`content of ${name}`), { filename: name });

  it('answers 429 to the third upload within the hour while other routes still answer', async () => {
    const user = await createUser(t, 'student');
    expect((await upload(user, 'a.txt')).status).toBe(201);
    expect((await upload(user, 'b.txt')).status).toBe(201);
    const refused = await upload(user, 'c.txt');
    expectExactError(refused, 429, 'RATE_LIMITED');
    expectMatchesOpenApi(refused, 'post', '/api/v1/files/upload');
    expect(refused.headers['x-ratelimit-limit']).toBe('2');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);

    const list = await t.http
      .get(`${API}/files`)
      .set(...bearer(user))
      .expect(200);
    expect(list.body.meta.total).toBe(2);
    // The budget is per user: someone else may still upload.
    const other = await createUser(t, 'student');
    expect((await upload(other, 'd.txt')).status).toBe(201);
  });

  it('streams a 30 MB upload into storage while it arrives and stores it exactly', async () => {
    const user = await createUser(t, 'student');
    const size = 30 * 1024 * 1024;
    const half = 15 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = 97 + (i % 26); // a..z: valid text
    const boundary = `----lms-test-${randomUUID()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lecture.txt"\r\n` +
        'Content-Type: text/plain\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const expectedHash = createHash('sha256');
    const uploadsDir = join(dataDir, 'uploads', 'uploads');
    const before = new Set(await readdir(uploadsDir).catch(() => []));

    const req = httpRequest(`${await baseUrlOf(t)}${API}/files/upload`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${user.accessToken}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(head.length + size + tail.length),
      },
    });
    const response = new Promise<{ status: number; body: string }>((done, fail) => {
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      });
    });
    const send = async (bytes: number) => {
      for (let sent = 0; sent < bytes; sent += chunk.length) {
        expectedHash.update(chunk);
        if (!req.write(chunk)) await new Promise((drained) => req.once('drain', drained));
      }
    };

    req.write(head);
    await send(half);
    // With half of the body sent and the request still open, most of it is already on disk:
    // the server writes as the bytes arrive instead of collecting the body first.
    const partial = await pollUntil(
      async () => {
        for (const name of await readdir(uploadsDir).catch(() => [])) {
          if (before.has(name)) continue;
          const { size: written } = await stat(join(uploadsDir, name));
          if (written >= half / 2) return written;
        }
        return undefined;
      },
      { timeoutMs: 15_000, what: 'the partial upload on disk' },
    );
    expect(partial).toBeLessThanOrEqual(half);
    await send(size - half);
    req.end(tail);

    const answer = await response;
    expect(answer.status).toBe(201);
    const file = JSON.parse(answer.body).data as FileBody;
    expect(file).toMatchObject({ fileSize: size, originalFilename: 'lecture.txt' });
    const rows = await t.dataSource.query<Array<{ storage_key: string }>>(
      'SELECT storage_key FROM files WHERE id = $1',
      [file.id],
    );
    const path = join(dataDir, 'uploads', rows[0].storage_key);
    expect((await stat(path)).size).toBe(size);
    expect(await sha256OfFile(path)).toBe(expectedHash.digest('hex'));
  });
});
