import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { JobQueue } from '../../src/infra/queue/job-queue';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { Azurite, startAzurite } from '../utils/azurite';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';
import { binaryParser } from '../utils/binary-parser';
import { API, body, FileBody } from '../utils/contract';
import { expectExactError } from '../utils/expectations';

/** Over two of the backend's 4 MiB blocks: big uploads are staged in several blocks. */
const MAX_UPLOAD_BYTES = 9 * 1024 * 1024;
const SAS_TTL_MS = 15 * 60 * 1000;

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('Files and certificates on Azure Blob Storage (e2e, Azurite)', () => {
  let azurite: Azurite;
  let t: TestApp;
  let container: ContainerClient;
  let containerExistedBefore: boolean;
  let student: TestUser;
  const containerName = `lms-test-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      containerName,
    );
    containerExistedBefore = await container.exists();
    t = await createTestApp({
      STORAGE_PROVIDER: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_CONTAINER: containerName,
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    });
    student = await createUser(t, 'student');
  });
  afterAll(async () => {
    try {
      // Inline jobs (the certificate.issued event) finish before the database goes away.
      if (t) {
        await pollUntil(
          async () => {
            const [{ unsent }] = await t.dataSource.query<Array<{ unsent: number }>>(
              'SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL',
            );
            const depths = await t.app.get(JobQueue).depths();
            return unsent === 0 && depths.every((d) => d.waiting + d.active + d.delayed === 0);
          },
          { timeoutMs: 15_000, what: 'every job done' },
        );
      }
    } finally {
      await t?.close();
      await azurite?.stop();
      if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
    }
  });

  async function blobNames(prefix = ''): Promise<string[]> {
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
    return names.sort();
  }

  async function storageOf(table: 'files' | 'certificates', id: string) {
    const rows = await t.dataSource.query<Array<{ storage_key: string; storage_provider: string }>>(
      `SELECT storage_key, storage_provider FROM ${table} WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async function uploadPng(user: TestUser, name = 'pixel.png'): Promise<FileBody> {
    const res = await t.http
      .post(`${API}/files/upload`)
      .set(...bearer(user))
      .attach('file', PNG, { filename: name });
    expect(res.status).toBe(201);
    expectMatchesOpenApi(res, 'post', '/api/v1/files/upload');
    return body<FileBody>(res);
  }

  it('creates the configured container at start-up', async () => {
    expect(containerExistedBefore).toBe(false);
    expect(await container.exists()).toBe(true);
  });

  it('uploads into a blob named by a generated key, with the content type', async () => {
    const file = await uploadPng(student, '../../escape/pixel.png');
    expect(file).toEqual({
      id: expect.any(String),
      originalFilename: 'pixel.png',
      contentType: 'image/png',
      fileSize: PNG.length,
      storageProvider: 'azure',
      uploadedById: student.id,
      createdAt: expect.any(String),
    });
    const stored = await storageOf('files', file.id);
    expect(stored).toEqual({ storage_provider: 'azure', storage_key: expect.any(String) });
    expect(stored.storage_key).toMatch(/^uploads\/[0-9a-f-]{36}$/);
    expect(await blobNames('uploads/')).toContain(stored.storage_key);

    const blob = container.getBlobClient(stored.storage_key);
    const properties = await blob.getProperties();
    expect(properties.contentType).toBe('image/png');
    expect(properties.contentLength).toBe(PNG.length);
    expect((await blob.downloadToBuffer()).equals(PNG)).toBe(true);
  });

  it('stores an upload of several blocks (exactly MAX_UPLOAD_BYTES) byte for byte', async () => {
    const text = Buffer.alloc(MAX_UPLOAD_BYTES);
    for (let i = 0; i < text.length; i++) text[i] = 97 + ((i * 7) % 26);
    const res = await t.http
      .post(`${API}/files/upload`)
      .set(...bearer(student))
      .attach('file', text, { filename: 'notes.txt' })
      .expect(201);
    expect(res.body.data).toMatchObject({ fileSize: text.length, storageProvider: 'azure' });
    const { storage_key } = await storageOf('files', res.body.data.id as string);
    expect((await container.getBlobClient(storage_key).downloadToBuffer()).equals(text)).toBe(true);
  });

  it('answers a download with 302 to a read-only SAS URL valid for 15 minutes that serves the exact bytes', async () => {
    const file = await uploadPng(student, 'photo.png');
    const { storage_key } = await storageOf('files', file.id);
    const requestedAt = Date.now();
    const res = await t.http
      .get(`${API}/files/${file.id}/download`)
      .set(...bearer(student))
      .redirects(0)
      .expect(302);

    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(
      `${azurite.blobEndpoint}/${containerName}/${storage_key}`,
    );
    expect(location.searchParams.get('sig')).toBeTruthy();
    expect(location.searchParams.get('sp')).toBe('r');
    const expiresAt = Date.parse(location.searchParams.get('se')!);
    expect(expiresAt - requestedAt).toBeGreaterThan(SAS_TTL_MS - 60_000);
    expect(expiresAt - requestedAt).toBeLessThan(SAS_TTL_MS + 60_000);

    const blob = await fetch(location);
    expect(blob.status).toBe(200);
    expect(Buffer.from(await blob.arrayBuffer()).equals(PNG)).toBe(true);
    expect(blob.headers.get('content-type')).toBe('image/png');
    expect(blob.headers.get('content-disposition')).toBe(
      `attachment; filename="photo.png"; filename*=UTF-8''photo.png`,
    );

    // The signature covers the expiry: a client cannot extend it.
    const extended = new URL(location);
    extended.searchParams.set('se', new Date(expiresAt + 86_400_000).toISOString());
    const refused = await fetch(extended);
    await refused.arrayBuffer();
    expect(refused.status).toBe(403);
  });

  it('offers a non-ASCII file name through the SAS URL (ASCII fallback plus RFC 5987 form)', async () => {
    const name = 'Résumé 日本.png';
    const file = await uploadPng(student, name);
    expect(file.originalFilename).toBe(name);
    const res = await t.http
      .get(`${API}/files/${file.id}/download`)
      .set(...bearer(student))
      .redirects(0)
      .expect(302);
    const blob = await fetch(res.headers.location);
    expect(blob.status).toBe(200);
    expect(Buffer.from(await blob.arrayBuffer()).equals(PNG)).toBe(true);
    const disposition = blob.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename="R_sum_ __.png"; filename\*=UTF-8''/);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1])).toBe(name);
  });

  it('does not redirect others: another student gets 404, an admin gets the SAS URL', async () => {
    const file = await uploadPng(student);
    const stranger = await createUser(t, 'student');
    const admin = await createUser(t, 'admin');
    const denied = await t.http
      .get(`${API}/files/${file.id}/download`)
      .set(...bearer(stranger))
      .redirects(0);
    expectExactError(denied, 404, 'NOT_FOUND');
    expect(denied.headers.location).toBeUndefined();
    const allowed = await t.http
      .get(`${API}/files/${file.id}/download`)
      .set(...bearer(admin))
      .redirects(0)
      .expect(302);
    expect(allowed.headers.location).toContain('sig=');
  });

  it('deletes the blob with the file', async () => {
    const file = await uploadPng(student, 'temporary.png');
    const { storage_key } = await storageOf('files', file.id);
    expect(await container.getBlobClient(storage_key).exists()).toBe(true);
    await t.http
      .delete(`${API}/files/${file.id}`)
      .set(...bearer(student))
      .expect(204);
    expect(await container.getBlobClient(storage_key).exists()).toBe(false);
    expect(await blobNames('uploads/')).not.toContain(storage_key);
    expect(await storageOf('files', file.id)).toBeUndefined();
  });

  it('answers 413 over MAX_UPLOAD_BYTES (after blocks were staged) and commits no blob', async () => {
    const user = await createUser(t, 'student');
    const before = await blobNames();
    const res = await t.http
      .post(`${API}/files/upload`)
      .set(...bearer(user))
      .attach('file', Buffer.alloc(MAX_UPLOAD_BYTES + 100_000, 'a'), { filename: 'big.txt' });
    expectExactError(res, 413, 'PAYLOAD_TOO_LARGE');
    expectMatchesOpenApi(res, 'post', '/api/v1/files/upload');
    expect(await blobNames()).toEqual(before);
    const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM files WHERE uploaded_by_id = $1',
      [user.id],
    );
    expect(count).toBe(0);
  });

  it('answers 415 for mismatched content without touching the container', async () => {
    const before = await blobNames();
    const res = await t.http
      .post(`${API}/files/upload`)
      .set(...bearer(student))
      .attach('file', Buffer.from('not an image'), { filename: 'fake.png' });
    expectExactError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await blobNames()).toEqual(before);
  });

  it('issues certificates into the container and serves their PDF through the API', async () => {
    const teacher = await createUser(t, 'instructor');
    const learner = await createUser(t, 'student', { fullName: 'Blob Learner' });
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const enrollment = await t.http
      .post(`${API}/enrollments`)
      .set(...bearer(learner))
      .send({ courseId: course.id })
      .expect(201);
    const enrollmentId = enrollment.body.data.id as string;
    await t.http
      .post(`${API}/enrollments/${enrollmentId}/lessons/${course.lessonIds[0]}/complete`)
      .set(...bearer(learner))
      .expect(200);
    const certificateId = await pollUntil(
      async () => {
        const res = await t.http.get(`${API}/enrollments/${enrollmentId}`).set(...bearer(learner));
        return res.body.data?.certificateId as string | null;
      },
      { timeoutMs: 15_000, what: 'the certificate of the completed enrollment' },
    );

    const stored = await storageOf('certificates', certificateId);
    expect(stored).toEqual({
      storage_provider: 'azure',
      storage_key: `certificates/${certificateId}.pdf`,
    });
    const blob = container.getBlobClient(stored.storage_key);
    expect((await blob.getProperties()).contentType).toBe('application/pdf');

    const pdf = await t.http
      .get(`${API}/certificates/${certificateId}/download`)
      .set(...bearer(learner))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="certificate-CERT-/);
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.equals(await blob.downloadToBuffer())).toBe(true);
  });
});
