import { bearer, createUser } from '../factories/users.factory';
import { createTestApp, TestApp } from '../utils/test-app';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('files smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MAX_UPLOAD_BYTES: '10000' });
  });
  afterAll(() => t.close());

  it('uploads, downloads and deletes; refuses mismatched content and big files', async () => {
    const user = await createUser(t, 'student');
    const up = await t.http
      .post('/api/v1/files/upload')
      .set(...bearer(user))
      .attach('file', PNG, '../../evil/pic.png')
      .expect(201);
    expect(up.body.data).toMatchObject({
      originalFilename: 'pic.png',
      contentType: 'image/png',
      fileSize: PNG.length,
      storageProvider: 'local',
    });
    const down = await t.http
      .get(`/api/v1/files/${up.body.data.id}/download`)
      .set(...bearer(user))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(down.body as Buffer, PNG)).toBe(0);
    expect(down.headers['content-disposition']).toContain('attachment');
    const bad = await t.http
      .post('/api/v1/files/upload')
      .set(...bearer(user))
      .attach('file', Buffer.from('not a png'), 'x.png')
      .expect(415);
    expect(bad.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    await t.http
      .post('/api/v1/files/upload')
      .set(...bearer(user))
      .attach('file', Buffer.from('hi'), 'x.exe')
      .expect(415);
    const big = await t.http
      .post('/api/v1/files/upload')
      .set(...bearer(user))
      .attach('file', Buffer.alloc(20000, 'a'), 'big.txt')
      .expect(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    await t.http
      .post('/api/v1/files/upload')
      .set(...bearer(user))
      .attach('file', Buffer.alloc(0), 'empty.txt')
      .expect(422);
    await t.http
      .delete(`/api/v1/files/${up.body.data.id}`)
      .set(...bearer(user))
      .expect(204);
    await t.http
      .get(`/api/v1/files/${up.body.data.id}`)
      .set(...bearer(user))
      .expect(404);
    const list = await t.http
      .get('/api/v1/files')
      .set(...bearer(user))
      .expect(200);
    expect(list.body.meta.total).toBe(0);
  });
});
