import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  type JSONWebKeySet,
  jwtVerify,
} from 'jose';
import credentialSchema from '../schemas/open-badge-credential.schema.json';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { completeLessons, enroll } from '../factories/enrollments.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { SigningKeysService } from '../../src/modules/keys/signing-keys.service';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { runCommand } from '../utils/run-command';
import { createTestApp, TestApp } from '../utils/test-app';
import { API, body, CertificateBody, Schemas } from '../utils/contract';
import { expectExactError } from '../utils/expectations';

const PUBLIC_URL = 'https://lms.example.test';
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const MIN_LIST_BITS = 131_072;

type CredentialBody = Schemas['CertificateCredentialResponse'];
type Credential = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Course = TestCourse & { lessonIds: string[] };

// strictRequired off: `anyOf: [{required: [id]}, {required: [identifier]}]` names properties defined beside it.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validateCredential = ajv.compile(credentialSchema);

/** The local path of a URL under APP_PUBLIC_URL (the test server answers for it). */
const pathOf = (url: string) => {
  expect(url.startsWith(`${PUBLIC_URL}/`)).toBe(true);
  return url.slice(PUBLIC_URL.length);
};

/** Bit `index` of a Bitstring Status List: index 0 is the left-most bit of the first byte. */
const bitAt = (bits: Buffer, index: number) => (bits[index >> 3] >> (7 - (index & 7))) & 1;

describe('Verifiable certificates: Open Badges 3.0 (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;
  let course: Course;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'false', APP_PUBLIC_URL: PUBLIC_URL });
    admin = await createUser(t, 'admin');
    teacher = await createUser(t, 'instructor');
    course = await createCourse(t, teacher, {
      title: `Cryptography ${randomUUID().slice(0, 8)}`,
      body: { description: 'Signatures, hashes and keys.' },
      lessons: 1,
      publish: true,
    });
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  async function certificateOf(student: TestUser): Promise<CertificateBody> {
    const enrollment = await enroll(t, student, course.id);
    await completeLessons(t, student, enrollment.id, course.lessonIds);
    const res = await t.http
      .post(`${API}/certificates/generate`)
      .set(...bearer(student))
      .send({ enrollmentId: enrollment.id })
      .expect(201);
    return body<CertificateBody>(res);
  }

  const credentialOf = (user: TestUser, certificateId: string) =>
    t.http.get(`${API}/certificates/${certificateId}/credential`).set(...bearer(user));

  async function jwks(): Promise<JSONWebKeySet> {
    const res = await t.http.get('/.well-known/jwks.json').expect(200);
    expectMatchesOpenApi(res, 'get', '/.well-known/jwks.json');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.success).toBeUndefined(); // a bare JWK Set, never enveloped
    return res.body as JSONWebKeySet;
  }

  /** The credential keys of the JWKS (it also lists the LTI platform key, RS256). */
  const credentialKeys = async () => (await jwks()).keys.filter((key) => key.alg === 'EdDSA');

  /** What a verifier does: the issuer's JWKS, the JWS checked with jose, the payload returned. */
  async function verify(jwt: string) {
    return jwtVerify(jwt, createLocalJWKSet(await jwks()), {
      typ: 'vc+jwt',
      algorithms: ['EdDSA'],
    });
  }

  /** The status list named by a credential, verified and decoded to its bits. */
  async function statusBits(credential: Credential): Promise<Buffer> {
    const res = await t.http
      .get(pathOf(credential.credentialStatus.statusListCredential))
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/vc\+jwt/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const { payload, protectedHeader } = await verify(res.body as string);
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'vc+jwt' });
    expect(payload).toMatchObject({
      '@context': [VC_V2],
      id: credential.credentialStatus.statusListCredential,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: credential.issuer.id,
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation' },
    });
    const encoded = (payload.credentialSubject as { encodedList: string }).encodedList;
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    expect(bits.length * 8).toBeGreaterThanOrEqual(MIN_LIST_BITS);
    return bits;
  }

  describe('GET /.well-known/jwks.json and GET /issuer', () => {
    it('creates one active key when 10 callers ask for the first one at once', async () => {
      expect(await credentialKeys()).toEqual([]);
      const keys = t.app.get(SigningKeysService);
      const active = await Promise.all(
        Array.from({ length: 10 }, () => keys.active('credentials', 'EdDSA')),
      );
      expect(new Set(active.map((key) => key.kid)).size).toBe(1);
      const rows = await t.dataSource.query<Array<{ kid: string; sealed: boolean }>>(
        `SELECT kid, private_key LIKE 'v1.%' AS sealed FROM signing_keys
         WHERE active AND purpose = 'credentials'`,
      );
      expect(rows).toEqual([{ kid: active[0].kid, sealed: true }]);
      expect((await credentialKeys()).map((k) => k.kid)).toEqual([active[0].kid]);
    });

    it('serves the JWKS outside /api/v1, and the issuer Profile', async () => {
      await t.http.get(`${API}/.well-known/jwks.json`).expect(404);
      const issuer = await t.http.get(`${API}/issuer`).expect(200);
      expectMatchesOpenApi(issuer, 'get', '/api/v1/issuer');
      expect(issuer.body.data).toEqual({
        id: `${PUBLIC_URL}/api/v1/issuer`,
        type: ['Profile'],
        name: 'LMS',
        url: PUBLIC_URL,
      });
    });
  });

  describe('GET /certificates/:id/credential', () => {
    it('gives an OpenBadgeCredential and its VC-JWT that an outside verifier accepts', async () => {
      const student = await createUser(t, 'student');
      const certificate = await certificateOf(student);
      const res = await credentialOf(student, certificate.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/certificates/{id}/credential');
      const { credential, jwt } = body<CredentialBody>(res) as unknown as {
        credential: Credential;
        jwt: string;
      };

      expect(validateCredential(credential)).toBe(true);
      expect(validateCredential.errors ?? []).toEqual([]);
      expect(credential['@context']).toEqual([VC_V2, OB_V3]);
      expect(credential).toMatchObject({
        id: `${PUBLIC_URL}/api/v1/certificates/verify/${certificate.certificateNumber}`,
        type: ['VerifiableCredential', 'OpenBadgeCredential'],
        issuer: { id: `${PUBLIC_URL}/api/v1/issuer`, type: ['Profile'], name: 'LMS' },
        validFrom: certificate.issuedAt,
        name: course.title,
      });
      expect(credential.credentialSubject.achievement).toEqual({
        id: `${PUBLIC_URL}/api/v1/courses/${course.id}`,
        type: ['Achievement'],
        name: course.title,
        description: 'Signatures, hashes and keys.',
        criteria: { narrative: expect.stringContaining(course.title) },
      });
      // The email never appears; its salted hash identifies the learner.
      expect(JSON.stringify(credential)).not.toContain(student.email);
      const [identity] = credential.credentialSubject.identifier;
      const hash = createHash('sha256').update(`${student.email}${identity.salt}`).digest('hex');
      expect(identity).toEqual({
        type: 'IdentityObject',
        identityHash: `sha256$${hash}`,
        identityType: 'emailAddress',
        hashed: true,
        salt: expect.stringMatching(/^[0-9a-f]{32}$/),
      });

      const { payload, protectedHeader } = await verify(jwt);
      expect(payload).toEqual(credential);
      expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'vc+jwt', kid: expect.any(String) });
      const keys = (await jwks()).keys;
      expect(keys.map((k) => k.kid)).toContain(protectedHeader.kid);
      const key = keys.find((k) => k.kid === protectedHeader.kid)!;
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
      expect(await calculateJwkThumbprint(key)).toBe(protectedHeader.kid);
    });

    it('returns the same credential on every call, to the student and to admins', async () => {
      const student = await createUser(t, 'student');
      const certificate = await certificateOf(student);
      const first = body<CredentialBody>(await credentialOf(student, certificate.id).expect(200));
      const again = body<CredentialBody>(await credentialOf(student, certificate.id).expect(200));
      const asAdmin = body<CredentialBody>(await credentialOf(admin, certificate.id).expect(200));
      expect(again).toEqual(first);
      expect(asAdmin).toEqual(first);
    });

    it('answers 404 to another student and the instructor, 401 without a token, 422 for a bad id', async () => {
      const student = await createUser(t, 'student');
      const other = await createUser(t, 'student');
      const certificate = await certificateOf(student);
      const asOther = await credentialOf(other, certificate.id);
      expectExactError(asOther, 404, 'NOT_FOUND');
      expectMatchesOpenApi(asOther, 'get', '/api/v1/certificates/{id}/credential');
      expectExactError(await credentialOf(teacher, certificate.id), 404, 'NOT_FOUND');
      expectExactError(await credentialOf(admin, randomUUID()), 404, 'NOT_FOUND');
      expectExactError(await credentialOf(admin, 'not-a-uuid'), 422, 'VALIDATION_ERROR');
      await t.http.get(`${API}/certificates/${certificate.id}/credential`).expect(401);
      const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
        'SELECT count(*)::int AS count FROM certificate_credentials WHERE certificate_id = $1',
        [certificate.id],
      );
      expect(count).toBe(0);
    });

    it('refuses a tampered credential: changed payload, changed signature, another key', async () => {
      const student = await createUser(t, 'student');
      const certificate = await certificateOf(student);
      const { jwt } = body<CredentialBody>(await credentialOf(student, certificate.id).expect(200));
      const [header, payload, signature] = jwt.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.name = 'Brain surgery';
      const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
      await expect(verify(`${header}.${forged}.${signature}`)).rejects.toThrow(
        /signature verification failed/,
      );
      const flipped = Buffer.from(signature, 'base64url');
      flipped[0] ^= 1;
      await expect(verify(`${header}.${payload}.${flipped.toString('base64url')}`)).rejects.toThrow(
        /signature verification failed/,
      );
      // Signed by someone else's key under the issuer's kid: refused all the same.
      const stranger = generateKeyPairSync('ed25519').privateKey;
      const { SignJWT } = await import('jose');
      const { kid } = decodeProtectedHeader(jwt);
      const impostor = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid })
        .sign(stranger);
      await expect(verify(impostor)).rejects.toThrow(/signature verification failed/);
    });

    it('issues one status entry and one credential for 10 parallel first calls', async () => {
      const student = await createUser(t, 'student');
      const certificate = await certificateOf(student);
      const [before] = await t.dataSource.query<Array<{ allocated: number }>>(
        'SELECT coalesce(sum(allocated), 0)::int AS allocated FROM status_lists',
      );
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => credentialOf(student, certificate.id)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      const jwts = new Set(responses.map((r) => body<CredentialBody>(r).jwt));
      expect(jwts.size).toBe(1);
      const rows = await t.dataSource.query<Array<{ status_index: number }>>(
        'SELECT status_index FROM certificate_credentials WHERE certificate_id = $1',
        [certificate.id],
      );
      expect(rows).toHaveLength(1);
      const [after] = await t.dataSource.query<Array<{ allocated: number }>>(
        'SELECT coalesce(sum(allocated), 0)::int AS allocated FROM status_lists',
      );
      expect(after.allocated - before.allocated).toBe(1);
      const { credential } = body<CredentialBody>(responses[0]) as unknown as {
        credential: Credential;
      };
      expect(credential.credentialStatus.statusListIndex).toBe(String(rows[0].status_index));
    });
  });

  describe('revocation and the status list', () => {
    it('flips the credential bit when the certificate is revoked, and only that bit', async () => {
      const student = await createUser(t, 'student');
      const certificate = await certificateOf(student);
      const { credential } = body<CredentialBody>(
        await credentialOf(student, certificate.id).expect(200),
      ) as unknown as { credential: Credential };
      const index = Number(credential.credentialStatus.statusListIndex);
      const before = await statusBits(credential);
      expect(bitAt(before, index)).toBe(0);

      const revokes = await Promise.all(
        Array.from({ length: 3 }, () =>
          t.http
            .post(`${API}/certificates/${certificate.id}/revoke`)
            .set(...bearer(admin))
            .send(),
        ),
      );
      expect(revokes.map((r) => r.status)).toEqual([200, 200, 200]);

      const after = await statusBits(credential);
      expect(bitAt(after, index)).toBe(1);
      const changed = [...after].flatMap((byte, i) =>
        byte === before[i] ? [] : [{ i, byte: byte ^ before[i] }],
      );
      expect(changed).toEqual([{ i: index >> 3, byte: 0x80 >> (index & 7) }]);
      // The credential itself does not change: verifiers learn of the revocation from the list.
      const again = body<CredentialBody>(await credentialOf(student, certificate.id).expect(200));
      expect(again.credential).toEqual(credential);
    });

    it('sets the bit at once for a credential first asked for after the revocation', async () => {
      const student = await createUser(t, 'student');
      const certificate = await certificateOf(student);
      await t.http
        .post(`${API}/certificates/${certificate.id}/revoke`)
        .set(...bearer(admin))
        .expect(200);
      const { credential } = body<CredentialBody>(
        await credentialOf(student, certificate.id).expect(200),
      ) as unknown as { credential: Credential };
      const bits = await statusBits(credential);
      expect(bitAt(bits, Number(credential.credentialStatus.statusListIndex))).toBe(1);
    });

    it('answers 404 for an unknown list and 422 for a bad id', async () => {
      const unknown = await t.http.get(`${API}/credentials/status/${randomUUID()}`);
      expectExactError(unknown, 404, 'NOT_FOUND');
      expectMatchesOpenApi(unknown, 'get', '/api/v1/credentials/status/{listId}');
      expectExactError(await t.http.get(`${API}/credentials/status/nope`), 422, 'VALIDATION_ERROR');
    });
  });

  describe('npm run cli -- credentials:rotate-key', () => {
    it('signs new credentials with a new kid; old ones stay verifiable; old keys stay listed', async () => {
      const early = await createUser(t, 'student');
      const earlyCertificate = await certificateOf(early);
      const old = body<CredentialBody>(await credentialOf(early, earlyCertificate.id).expect(200));
      const oldKid = decodeProtectedHeader(old.jwt).kid;

      const result = await runCommand('cli', { DATABASE_URL: t.env.DATABASE_URL! }, [
        'credentials:rotate-key',
      ]);
      expect(result).toMatchObject({ code: 0 });
      const newKid = /credentials key (\S+) is active/.exec(result.output)?.[1];
      expect(newKid).toBeDefined();
      expect(newKid).not.toBe(oldKid);
      expect(result.output).toContain(`retired ${oldKid}`);

      const kids = (await credentialKeys()).map((k) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));
      expect(kids[0]).toBe(newKid); // the active key first

      const late = await createUser(t, 'student');
      const lateCertificate = await certificateOf(late);
      const fresh = body<CredentialBody>(await credentialOf(late, lateCertificate.id).expect(200));
      expect((await verify(fresh.jwt)).protectedHeader.kid).toBe(newKid);
      // The old credential is the one issued, still verifiable with the retired key.
      const kept = body<CredentialBody>(await credentialOf(early, earlyCertificate.id).expect(200));
      expect(kept.jwt).toBe(old.jwt);
      expect((await verify(kept.jwt)).protectedHeader.kid).toBe(oldKid);
      // Status lists are signed with the active key.
      const listJwt = await t.http
        .get(pathOf((fresh.credential as Credential).credentialStatus.statusListCredential))
        .buffer(true)
        .parse((response, done) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => done(null, text));
        });
      expect(decodeProtectedHeader(listJwt.body as string).kid).toBe(newKid);
    });

    it('leaves exactly one active key when two rotations run at once', async () => {
      const env = { DATABASE_URL: t.env.DATABASE_URL! };
      const [{ count: before }] = await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM signing_keys WHERE purpose = 'credentials'`,
      );
      const results = await Promise.all([
        runCommand('cli', env, ['credentials:rotate-key']),
        runCommand('cli', env, ['credentials:rotate-key']),
      ]);
      expect(results.map((r) => r.code)).toEqual([0, 0]);
      const rows = await t.dataSource.query<Array<{ active: boolean }>>(
        `SELECT active FROM signing_keys WHERE purpose = 'credentials'`,
      );
      expect(rows).toHaveLength(before + 2);
      expect(rows.filter((row) => row.active)).toHaveLength(1);
      const active = await t.app.get(SigningKeysService).active('credentials', 'EdDSA');
      expect((await credentialKeys())[0].kid).toBe(active.kid);
    });

    it('exits 1 when the key comes from CREDENTIAL_SIGNING_KEY, and rotates nothing', async () => {
      const [{ count: before }] = await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM signing_keys WHERE purpose = 'credentials'`,
      );
      const pem = generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const result = await runCommand(
        'cli',
        { DATABASE_URL: t.env.DATABASE_URL!, CREDENTIAL_SIGNING_KEY: pem },
        ['credentials:rotate-key'],
      );
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        'error: the credentials key is given by CREDENTIAL_SIGNING_KEY',
      );
      expect(result.output).not.toContain('PRIVATE KEY');
      const [{ count: after }] = await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM signing_keys WHERE purpose = 'credentials'`,
      );
      expect(after).toBe(before);
    });
  });
});

describe('Verifiable certificates with CREDENTIAL_SIGNING_KEY (e2e)', () => {
  let t: TestApp;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  beforeAll(async () => {
    t = await createTestApp({
      JOBS_INLINE: 'false',
      APP_PUBLIC_URL: PUBLIC_URL,
      CREDENTIAL_SIGNING_KEY: pem.replace(/\n/g, '\\n'), // as a one-line variable
      CREDENTIAL_ISSUER_NAME: 'Example University',
    });
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  it('signs with the given key, lists its public half (kid = thumbprint) and stores no private key', async () => {
    const teacher = await createUser(t, 'instructor');
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, {
      title: 'Keys',
      lessons: 1,
      publish: true,
    });
    const enrollment = await enroll(t, student, course.id);
    await completeLessons(t, student, enrollment.id, course.lessonIds);
    const certificate = body<CertificateBody>(
      await t.http
        .post(`${API}/certificates/generate`)
        .set(...bearer(student))
        .send({ enrollmentId: enrollment.id })
        .expect(201),
    );
    const res = await t.http
      .get(`${API}/certificates/${certificate.id}/credential`)
      .set(...bearer(student))
      .expect(200);
    const { jwt, credential } = body<CredentialBody>(res);
    expect(credential.issuer.name).toBe('Example University');

    const expectedKid = await calculateJwkThumbprint(await exportJWK(publicKey));
    const keys = (await t.http.get('/.well-known/jwks.json').expect(200)).body as JSONWebKeySet;
    // The given credential key, and the LTI platform key (RS256) beside it.
    expect(keys.keys.filter((k) => k.alg === 'EdDSA').map((k) => k.kid)).toEqual([expectedKid]);
    expect(keys.keys.filter((k) => k.alg !== 'EdDSA').map((k) => k.alg)).toEqual(['RS256']);
    const { protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(keys), { typ: 'vc+jwt' });
    expect(protectedHeader.kid).toBe(expectedKid);
    const rows = await t.dataSource.query<Array<{ private_key: string | null }>>(
      `SELECT private_key FROM signing_keys WHERE purpose = 'credentials'`,
    );
    expect(rows).toEqual([{ private_key: null }]);
  });
});
