import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, JWK, SignJWT } from 'jose';
import { SigningKeysService } from '../../src/modules/keys/signing-keys.service';
import { createCourse, createLesson } from '../factories/courses.factory';
import { enroll } from '../factories/enrollments.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { LtijsTool } from '../utils/ltijs-tool';
import { createTestApp, TestApp } from '../utils/test-app';

const API = '/api/v1';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const SCOPE = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
};
const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';

/** A browser's cookie jar for one origin (the tool's): enough for ltijs' state and session. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

interface Envelope {
  success: boolean;
  error: { code: string; details: Array<{ field: string; message: string }> };
  data: { error: string; error_description: string };
}
const envelope = (res: Response) => res.json() as Promise<Envelope>;
const accessTokenOf = async (res: Response) =>
  ((await res.json()) as { access_token: string }).access_token;

/** The auto-submitting form of /lti/authorize: its action and fields. */
function parseForm(html: string): { action: string; fields: Record<string, string> } {
  const unescape = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const action = unescape(/<form method="post" action="([^"]*)"/.exec(html)![1]);
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescape(match[1])] = unescape(match[2]);
  }
  return { action, fields };
}

describe('LTI 1.3 platform with a real ltijs tool', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let tool: LtijsTool;
  let admin: TestUser;
  let teacher: TestUser;
  let registered: { id: string; clientId: string; deploymentId: string };
  let courseId: string;
  let lessonId: string;

  const api = (path: string) => `${base}${API}${path}`;

  beforeAll(async () => {
    // The API listens on a real loopback port: the tool calls it back (JWKS, token, AGS).
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({
      APP_PUBLIC_URL: base,
      LTI_ALLOW_PRIVATE_TARGETS: 'true',
      JOBS_INLINE: 'false',
      RATE_LIMIT_ENABLED: 'false',
    });
    server.on('request', t.app.getHttpAdapter().getInstance());
    tool = await LtijsTool.start();

    [admin, teacher] = await Promise.all([createUser(t, 'admin'), createUser(t, 'instructor')]);
    const created = await t.http
      .post(`${API}/lti/tools`)
      .set(...bearer(admin))
      .send({
        name: 'ltijs test tool',
        loginInitiationUrl: tool.loginUrl,
        redirectUrls: [tool.launchUrl],
        jwksUrl: tool.jwksUrl,
      })
      .expect(201);
    registered = created.body.data;
    const platform = (await t.http.get(`${API}/lti/platform`).expect(200)).body.data;
    await tool.provider.registerPlatform({
      url: platform.issuer,
      name: 'LMS under test',
      clientId: registered.clientId,
      authenticationEndpoint: platform.authorizationEndpoint,
      accesstokenEndpoint: platform.tokenEndpoint,
      authConfig: { method: 'JWK_SET', key: platform.jwksUri },
    });

    const course = await createCourse(t, teacher, { title: 'Course with a tool', lessons: 1 });
    courseId = course.id;
    lessonId = (
      await t.http
        .post(`${API}/courses/${courseId}/lessons`)
        .set(...bearer(teacher))
        .send({
          title: 'Sandbox exercise',
          contentType: 'lti',
          ltiToolId: registered.id,
          ltiCustom: { passingScorePercentage: '70', level: 'easy' },
        })
        .expect(201)
    ).body.data.id;
    await t.http
      .post(`${API}/courses/${courseId}/publish`)
      .set(...bearer(teacher))
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await tool?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  async function student(): Promise<{ user: TestUser; enrollmentId: string }> {
    const user = await createUser(t, 'student');
    const enrollment = await enroll(t, user, courseId);
    return { user, enrollmentId: enrollment.id };
  }

  /** Launch -> the tool's login -> our authorize URL (the tool's OIDC request), with its cookies. */
  async function startLaunch(user: TestUser, lesson = lessonId) {
    const jar = new CookieJar();
    const launch = await fetch(api(`/lessons/${lesson}/lti/launch`), {
      headers: { authorization: `Bearer ${user.accessToken}` },
      redirect: 'manual',
    });
    expect(launch.status).toBe(302);
    const login = new URL(launch.headers.get('location')!);
    const toTool = await fetch(login, { redirect: 'manual' });
    jar.take(toTool);
    expect(toTool.status).toBe(302);
    return { jar, login, authorizeUrl: new URL(toTool.headers.get('location')!) };
  }

  /** The browser posts the form to the tool, then follows ltijs' redirect to its app route. */
  async function postToTool(jar: CookieJar, action: string, fields: Record<string, string>) {
    const posted = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
    jar.take(posted);
    if (posted.status !== 302) return posted;
    const app = await fetch(new URL(posted.headers.get('location')!, action), {
      headers: { cookie: jar.header() },
      redirect: 'manual',
    });
    jar.take(app);
    return app;
  }

  async function fullLaunch(user: TestUser) {
    const { jar, authorizeUrl } = await startLaunch(user);
    const answer = await fetch(authorizeUrl);
    expect(answer.status).toBe(200);
    const { action, fields } = parseForm(await answer.text());
    const before = tool.launches.length;
    const app = await postToTool(jar, action, fields);
    expect(app.status).toBe(200);
    expect(await app.text()).toBe(`launched ${user.id}`);
    expect(tool.launches.length).toBe(before + 1);
    return { seen: tool.launches[tool.launches.length - 1], idToken: fields.id_token };
  }

  /** A client assertion signed with the key ltijs registered for our platform. */
  async function toolAssertion(claims: Record<string, unknown> = {}): Promise<string> {
    const platform = await tool.provider.getPlatform(base, registered.clientId);
    // ltijs keeps a PKCS#1 PEM per registered platform.
    const key = createPrivateKey((await platform.platformPrivateKey()) as string);
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: (await platform.platformKid()) as string })
      .setIssuer(registered.clientId)
      .setSubject(registered.clientId)
      .setAudience((claims.aud as string | undefined) ?? `${base}${API}/lti/token`)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(key);
  }

  function tokenRequest(assertion: string, scope = `${SCOPE.score} ${SCOPE.lineItem}`) {
    return fetch(api('/lti/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
        scope,
      }),
    });
  }

  describe('platform configuration', () => {
    it('two API processes using the lti key for the first time at once end up with one key', async () => {
      const ltiKeys = () =>
        t.dataSource.query<Array<{ kid: string; algorithm: string; active: boolean }>>(
          `SELECT kid, algorithm, active FROM signing_keys WHERE purpose = 'lti'`,
        );
      expect(await ltiKeys()).toEqual([]);
      const other = await createTestApp({ APP_PUBLIC_URL: base }, { share: t.env });
      try {
        // Half read the JWKS (which lists the key from its first fetch on), half sign with it.
        const kids = await Promise.all(
          Array.from({ length: 8 }, async (_, i) => {
            const app = i % 2 === 0 ? t : other;
            if (i % 4 < 2) {
              const res = await app.http.get('/.well-known/jwks.json').expect(200);
              const rsa = (res.body.keys as JWK[]).filter((key) => key.alg === 'RS256');
              expect(rsa).toHaveLength(1);
              return rsa[0].kid;
            }
            const token = await app.app
              .get(SigningKeysService)
              .signJwt('lti', 'RS256', { sub: `race-${i}` }, { expiresInSeconds: 60 });
            return decodeProtectedHeader(token).kid;
          }),
        );
        expect(new Set(kids).size).toBe(1);
        expect(await ltiKeys()).toEqual([{ kid: kids[0], algorithm: 'RS256', active: true }]);
      } finally {
        await other.close();
      }
    });

    it('publishes its endpoints and its RS256 key (signing_keys, purpose lti) under /.well-known/jwks.json', async () => {
      const platform = (await t.http.get(`${API}/lti/platform`).expect(200)).body.data;
      expect(platform).toEqual({
        issuer: base,
        authorizationEndpoint: `${base}/api/v1/lti/authorize`,
        tokenEndpoint: `${base}/api/v1/lti/token`,
        jwksUri: `${base}/.well-known/jwks.json`,
      });
      const jwks = await t.http.get('/.well-known/jwks.json').expect(200);
      const rsa = (jwks.body.keys as JWK[]).filter((key) => key.alg === 'RS256');
      expect(rsa).toHaveLength(1);
      expect(rsa[0]).toEqual({
        kty: 'RSA',
        n: expect.any(String),
        e: 'AQAB',
        alg: 'RS256',
        use: 'sig',
        kid: await calculateJwkThumbprint(rsa[0], 'sha256'),
      });
      // 2048-bit modulus: 256 bytes, 342 base64url characters.
      expect(rsa[0].n).toHaveLength(342);
      const sealed = await t.dataSource.query<Array<{ kid: string; private_key: string }>>(
        `SELECT kid, private_key FROM signing_keys WHERE purpose = 'lti'`,
      );
      expect(sealed).toEqual([{ kid: rsa[0].kid, private_key: expect.stringMatching(/^v1\./) }]);
      expect(sealed[0].private_key).not.toContain('PRIVATE KEY');
    });
  });

  describe('tool registry', () => {
    it('generates clientId and deploymentId, lists, changes and refuses bad input', async () => {
      const res = await t.http
        .post(`${API}/lti/tools`)
        .set(...bearer(admin))
        .send({
          name: 'Other',
          loginInitiationUrl: 'https://tool.example.com/login',
          redirectUrls: ['https://tool.example.com/launch'],
          jwksUrl: 'https://tool.example.com/keys',
          deepLinkingUrl: 'https://tool.example.com/deep',
        })
        .expect(201);
      const created = res.body.data;
      expect(created.clientId).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.deploymentId).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.deploymentId).not.toBe(registered.deploymentId);
      const changed = await t.http
        .patch(`${API}/lti/tools/${created.id}`)
        .set(...bearer(admin))
        .send({ name: 'Renamed', deepLinkingUrl: null })
        .expect(200);
      expect(changed.body.data).toMatchObject({ name: 'Renamed', deepLinkingUrl: null });
      const list = await t.http
        .get(`${API}/lti/tools`)
        .set(...bearer(admin))
        .expect(200);
      expect(list.body.data.map((x: { id: string }) => x.id)).toContain(created.id);
      await t.http
        .patch(`${API}/lti/tools/${created.id}`)
        .set(...bearer(admin))
        .send({ name: null })
        .expect(422);
      await t.http
        .post(`${API}/lti/tools`)
        .set(...bearer(admin))
        .send({
          name: 'x',
          loginInitiationUrl: 'javascript:alert(1)',
          redirectUrls: [],
          jwksUrl: 'x',
        })
        .expect(422);
      await t.http
        .get(`${API}/lti/tools`)
        .set(...bearer(teacher))
        .expect(403);
      await t.http
        .delete(`${API}/lti/tools/${created.id}`)
        .set(...bearer(admin))
        .expect(204);
      await t.http
        .get(`${API}/lti/tools/${created.id}`)
        .set(...bearer(admin))
        .expect(404);
    });

    it('refuses to delete a tool that lessons launch (409), and a taken clientId (409)', async () => {
      const res = await t.http
        .delete(`${API}/lti/tools/${registered.id}`)
        .set(...bearer(admin))
        .expect(409);
      expect(res.body.error.code).toBe('LTI_TOOL_IN_USE');
      const taken = await t.http
        .post(`${API}/lti/tools`)
        .set(...bearer(admin))
        .send({
          name: 'Clash',
          clientId: registered.clientId,
          loginInitiationUrl: 'https://t.example.com/l',
          redirectUrls: ['https://t.example.com/r'],
          jwksUrl: 'https://t.example.com/k',
        })
        .expect(409);
      expect(taken.body.error.code).toBe('LTI_CLIENT_ID_TAKEN');
    });

    it('parallel registrations of one clientId create exactly one tool', async () => {
      const clientId = `parallel-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.http
            .post(`${API}/lti/tools`)
            .set(...bearer(admin))
            .send({
              name: 'Race',
              clientId,
              loginInitiationUrl: 'https://t.example.com/l',
              redirectUrls: ['https://t.example.com/r'],
              jwksUrl: 'https://t.example.com/k',
            }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      const rows = await t.dataSource.query(`SELECT 1 FROM lti_tools WHERE client_id = $1`, [
        clientId,
      ]);
      expect(rows).toHaveLength(1);
    });
  });

  describe('lti lessons', () => {
    it('need a registered tool, and only lti lessons take ltiToolId and ltiCustom', async () => {
      const post = (body: object) =>
        t.http
          .post(`${API}/courses/${courseId}/lessons`)
          .set(...bearer(teacher))
          .send({ title: 'L', ...body });
      expect((await post({ contentType: 'lti' }).expect(422)).body.error.details[0].field).toBe(
        'ltiToolId',
      );
      expect(
        (await post({ contentType: 'lti', ltiToolId: randomUUID() }).expect(422)).body.error
          .details[0].field,
      ).toBe('ltiToolId');
      await post({ contentType: 'text', ltiToolId: registered.id }).expect(422);
      await post({ contentType: 'lti', ltiToolId: registered.id, ltiCustom: { n: 1 } }).expect(422);
      const lesson = await t.http.get(`${API}/lessons/${lessonId}`).set(...bearer(teacher));
      expect(lesson.body.data).toMatchObject({
        contentType: 'lti',
        ltiToolId: registered.id,
        ltiCustom: { passingScorePercentage: '70', level: 'easy' },
      });
    });

    it('is completed by its score, not by hand (409 COMPLETION_BY_ASSESSMENT)', async () => {
      const s = await student();
      const res = await t.http
        .post(`${API}/enrollments/${s.enrollmentId}/lessons/${lessonId}/complete`)
        .set(...bearer(s.user));
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('COMPLETION_BY_ASSESSMENT');
    });

    it('launches only lti lessons, for who may open them', async () => {
      const s = await student();
      const textLesson = (
        await createLesson(t, teacher, courseId, { title: 'Plain text', content: 'x' })
      ).id;
      const notLti = await t.http
        .get(`${API}/lessons/${textLesson}/lti/launch`)
        .set(...bearer(s.user))
        .expect(400);
      expect(notLti.body.error.code).toBe('NOT_AN_LTI_LESSON');
      const stranger = await createUser(t, 'student');
      await t.http
        .get(`${API}/lessons/${lessonId}/lti/launch`)
        .set(...bearer(stranger))
        .expect(403);
      await t.http.get(`${API}/lessons/${lessonId}/lti/launch`).expect(401);
    });
  });

  describe('locked lessons', () => {
    it("a student's launch of a lesson locked by its module's schedule is 403 LESSON_LOCKED", async () => {
      const course = await createCourse(t, teacher, { title: 'Scheduled' });
      const module = await t.http
        .post(`${API}/courses/${course.id}/modules`)
        .set(...bearer(teacher))
        .send({ title: 'Later', unlockAt: '2100-01-01T00:00:00.000Z' })
        .expect(201);
      const lesson = await t.http
        .post(`${API}/courses/${course.id}/lessons`)
        .set(...bearer(teacher))
        .send({
          title: 'Locked tool',
          contentType: 'lti',
          ltiToolId: registered.id,
          moduleId: module.body.data.id,
        })
        .expect(201);
      await t.http
        .post(`${API}/courses/${course.id}/publish`)
        .set(...bearer(teacher))
        .expect(200);
      const learner = await createUser(t, 'student');
      await enroll(t, learner, course.id);
      const locked = await t.http
        .get(`${API}/lessons/${lesson.body.data.id}/lti/launch`)
        .set(...bearer(learner))
        .expect(403);
      expect(locked.body.error.code).toBe('LESSON_LOCKED');
      await t.http
        .get(`${API}/lessons/${lesson.body.data.id}/lti/launch`)
        .set(...bearer(teacher))
        .expect(302);
    });
  });

  describe('launch, end to end through ltijs', () => {
    it("a student's launch reaches the tool with the user, Learner role, context and AGS claim", async () => {
      const s = await student();
      const { jar, login, authorizeUrl } = await startLaunch(s.user);
      expect(`${login.origin}${login.pathname}`).toBe(tool.loginUrl);
      expect(Object.fromEntries(login.searchParams)).toEqual({
        iss: base,
        login_hint: s.user.id,
        target_link_uri: tool.launchUrl,
        lti_message_hint: expect.any(String),
        client_id: registered.clientId,
        lti_deployment_id: registered.deploymentId,
      });
      expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${base}/api/v1/lti/authorize`);

      const answer = await fetch(authorizeUrl);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = answer.headers.get('content-security-policy')!;
      expect(csp).toContain(`form-action ${new URL(tool.launchUrl).origin}`);
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const { action, fields } = parseForm(await answer.text());
      expect(action).toBe(tool.launchUrl);
      expect(fields.state).toBe(authorizeUrl.searchParams.get('state'));

      const header = decodeProtectedHeader(fields.id_token);
      const [active] = await t.dataSource.query<Array<{ kid: string }>>(
        `SELECT kid FROM signing_keys WHERE purpose = 'lti' AND active`,
      );
      expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: active.kid });
      const jwks = (await t.http.get('/.well-known/jwks.json')).body as { keys: JWK[] };
      expect(jwks.keys.map((key) => key.kid)).toContain(active.kid);
      const claims = decodeJwt(fields.id_token);
      expect(claims.exp! - claims.iat!).toBe(300);
      expect(claims).toMatchObject({
        iss: base,
        aud: registered.clientId,
        sub: s.user.id,
        nonce: authorizeUrl.searchParams.get('nonce'),
        'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
        'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
        'https://purl.imsglobal.org/spec/lti/claim/deployment_id': registered.deploymentId,
        'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': tool.launchUrl,
        'https://purl.imsglobal.org/spec/lti/claim/resource_link': {
          id: lessonId,
          title: 'Sandbox exercise',
        },
        'https://purl.imsglobal.org/spec/lti/claim/roles': [LEARNER],
        'https://purl.imsglobal.org/spec/lti/claim/context': {
          id: courseId,
          title: 'Course with a tool',
        },
        'https://purl.imsglobal.org/spec/lti/claim/custom': {
          passingScorePercentage: '70',
          level: 'easy',
        },
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
          scope: [SCOPE.lineItem, SCOPE.lineItemReadonly, SCOPE.score],
          lineitems: `${base}/api/v1/lti/courses/${courseId}/lineitems`,
          lineitem: expect.stringMatching(`^${base}/api/v1/lti/lineitems/`),
        },
      });

      const app = await postToTool(jar, action, fields);
      expect(app.status).toBe(200);
      const seen = tool.launches[tool.launches.length - 1];
      expect(seen).toMatchObject({
        user: s.user.id,
        roles: [LEARNER],
        context: { id: courseId, title: 'Course with a tool' },
        resource: { id: lessonId, title: 'Sandbox exercise' },
        custom: { passingScorePercentage: '70', level: 'easy' },
        messageType: 'LtiResourceLinkRequest',
        deploymentId: registered.deploymentId,
        clientId: registered.clientId,
      });
    });

    it('takes the authentication request as a POSTed form too', async () => {
      const s = await student();
      const { jar, authorizeUrl } = await startLaunch(s.user);
      const answer = await fetch(`${base}${API}/lti/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: authorizeUrl.searchParams,
      });
      expect(answer.status).toBe(200);
      const { action, fields } = parseForm(await answer.text());
      expect(decodeJwt(fields.id_token).sub).toBe(s.user.id);
      expect((await postToTool(jar, action, fields)).status).toBe(200);
    });

    it("the course's instructor launches as Instructor", async () => {
      const { seen } = await fullLaunch(teacher);
      expect(seen.roles).toEqual([INSTRUCTOR]);
      expect(seen.user).toBe(teacher.id);
    });

    it('an admin launches as Instructor and institution Administrator', async () => {
      const { seen } = await fullLaunch(admin);
      expect(seen.roles).toEqual([
        INSTRUCTOR,
        'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
      ]);
    });

    it('escapes what the tool sends back in the form (state)', async () => {
      const s = await student();
      const { authorizeUrl } = await startLaunch(s.user);
      authorizeUrl.searchParams.set('state', '"><script>alert(1)</script>');
      const html = await (await fetch(authorizeUrl)).text();
      expect(html).not.toContain('<script>alert(1)');
      expect(parseForm(html).fields.state).toBe('"><script>alert(1)</script>');
    });

    it('a rotated lti key signs the next launch at once; the tool verifies it, the old kid stays listed', async () => {
      const s = await student();
      const before = decodeProtectedHeader((await fullLaunch(s.user)).idToken).kid!;
      const { kid, retired } = await t.app.get(SigningKeysService).rotate('lti', 'RS256');
      expect(retired).toEqual([before]);
      const after = decodeProtectedHeader((await fullLaunch(s.user)).idToken);
      expect(after).toEqual({ alg: 'RS256', typ: 'JWT', kid });
      const jwks = (await t.http.get('/.well-known/jwks.json').expect(200)).body as { keys: JWK[] };
      expect(jwks.keys.filter((key) => key.alg === 'RS256').map((key) => key.kid)).toEqual([
        kid,
        before,
      ]);
      const rows = await t.dataSource.query<Array<{ kid: string; active: boolean }>>(
        `SELECT kid, active FROM signing_keys WHERE purpose = 'lti' ORDER BY active DESC`,
      );
      expect(rows).toEqual([
        { kid, active: true },
        { kid: before, active: false },
      ]);
    });
  });

  describe('refusals', () => {
    it('the tool rejects an id_token whose audience is another client', async () => {
      const s = await student();
      const { jar, authorizeUrl } = await startLaunch(s.user);
      const answer = await fetch(authorizeUrl);
      const { action, fields } = parseForm(await answer.text());
      const claims = decodeJwt(fields.id_token);
      const forged = await t.app
        .get(SigningKeysService)
        .signJwt(
          'lti',
          'RS256',
          { ...claims, iat: undefined, exp: undefined, aud: 'some-other-client', azp: undefined },
          { expiresInSeconds: 300 },
        );
      const before = tool.launches.length;
      const res = await postToTool(jar, action, { ...fields, id_token: forged });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('UNREGISTERED_PLATFORM');
      expect(tool.launches.length).toBe(before);
    });

    it('refuses a replayed nonce and a spent message hint', async () => {
      const s = await student();
      const first = await startLaunch(s.user);
      expect((await fetch(first.authorizeUrl)).status).toBe(200);
      const replay = await fetch(first.authorizeUrl);
      expect(replay.status).toBe(400);
      expect((await envelope(replay)).error.code).toBe('LTI_INVALID_LAUNCH');

      // A fresh launch (fresh hint) with the old nonce: the nonce is refused, the hint unspent.
      const second = await startLaunch(s.user);
      const withOldNonce = new URL(second.authorizeUrl);
      withOldNonce.searchParams.set('nonce', first.authorizeUrl.searchParams.get('nonce')!);
      const refused = await fetch(withOldNonce);
      expect(refused.status).toBe(400);
      expect((await envelope(refused)).error.details).toEqual([
        { field: 'nonce', message: 'nonce was already used' },
      ]);
      expect((await fetch(second.authorizeUrl)).status).toBe(200);
    });

    it('refuses an unregistered redirect URI, a foreign login_hint and a forged hint', async () => {
      const s = await student();
      const { authorizeUrl } = await startLaunch(s.user);
      const cases: Array<[string, string, string]> = [
        ['redirect_uri', `${tool.url}/elsewhere`, 'redirect_uri'],
        ['redirect_uri', `${tool.launchUrl}?x=1`, 'redirect_uri'],
        ['login_hint', randomUUID(), 'login_hint'],
        ['lti_message_hint', 'not.a.hint', 'lti_message_hint'],
        ['client_id', 'unknown', 'client_id'],
        ['response_type', 'code', 'response_type'],
      ];
      for (const [param, value, field] of cases) {
        const url = new URL(authorizeUrl);
        url.searchParams.set(param, value);
        const res = await fetch(url);
        expect({ param, status: res.status }).toEqual({ param, status: 400 });
        const body = await envelope(res);
        expect(body.error.code).toBe('LTI_INVALID_LAUNCH');
        expect(body.error.details[0].field).toBe(field);
      }
      // None of them spent the launch.
      expect((await fetch(authorizeUrl)).status).toBe(200);
    });

    it('parallel uses of one authorization request: exactly one id_token', async () => {
      const s = await student();
      const { authorizeUrl } = await startLaunch(s.user);
      const results = await Promise.all(Array.from({ length: 5 }, () => fetch(authorizeUrl)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);
    });
  });

  describe('token endpoint', () => {
    it('grants a short-lived token for the AGS scopes to a valid client assertion', async () => {
      const res = await tokenRequest(
        await toolAssertion(),
        `${SCOPE.score} openid ${SCOPE.lineItem}`,
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.json();
      expect(body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        scope: `${SCOPE.score} ${SCOPE.lineItem}`,
      });
    });

    it('refuses a client assertion signed by another key', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const platform = await tool.provider.getPlatform(base, registered.clientId);
      const forged = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'RS256', kid: (await platform.platformKid()) as string })
        .setIssuer(registered.clientId)
        .setSubject(registered.clientId)
        .setAudience(`${base}${API}/lti/token`)
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(privateKey);
      const res = await tokenRequest(forged);
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body).toMatchObject({
        success: false,
        error: { code: 'LTI_INVALID_CLIENT' },
        data: { error: 'invalid_client', error_description: expect.any(String) },
      });
    });

    it('refuses a replayed jti, a wrong audience, bad grants and scopes', async () => {
      const assertion = await toolAssertion();
      expect((await tokenRequest(assertion)).status).toBe(200);
      const replayed = await tokenRequest(assertion);
      expect(replayed.status).toBe(401);
      expect((await envelope(replayed)).data.error).toBe('invalid_client');
      expect((await tokenRequest(await toolAssertion({ aud: `${base}/elsewhere` }))).status).toBe(
        401,
      );
      const scopeless = await tokenRequest(await toolAssertion(), 'openid');
      expect(scopeless.status).toBe(400);
      expect((await envelope(scopeless)).data.error).toBe('invalid_scope');
      const grant = await fetch(api('/lti/token'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password' }),
      });
      expect(grant.status).toBe(400);
      expect((await envelope(grant)).data.error).toBe('unsupported_grant_type');
    });

    it('parallel uses of one client assertion: exactly one token', async () => {
      const assertion = await toolAssertion();
      const results = await Promise.all(Array.from({ length: 5 }, () => tokenRequest(assertion)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
    });
  });

  describe('Assignment and Grade Services through ltijs', () => {
    it('a passing score lands in the gradebook and completes the lesson', async () => {
      const s = await student();
      const { seen } = await fullLaunch(s.user);
      const items = await tool.provider.Grade.getLineItems(seen.token, { resourceLinkId: true });
      expect(items.lineItems).toEqual([
        {
          id: expect.stringMatching(`^${base}/api/v1/lti/lineitems/`),
          label: 'Sandbox exercise',
          scoreMaximum: 100,
          resourceLinkId: lessonId,
        },
      ]);
      expect(items.lineItems[0].id).toBe(seen.endpoint!.lineitem);
      await tool.provider.Grade.submitScore(seen.token, items.lineItems[0].id, {
        scoreGiven: 65,
        scoreMaximum: 100,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      });
      const lessonOf = async () =>
        (
          await t.http.get(`${API}/enrollments/${s.enrollmentId}`).set(...bearer(s.user))
        ).body.data.lessons.find((l: { lessonId: string }) => l.lessonId === lessonId);
      // 65 % is under this lesson's 70 %: graded, not completed.
      expect((await lessonOf()).completed).toBe(false);
      await tool.provider.Grade.submitScore(seen.token, items.lineItems[0].id, {
        scoreGiven: 8,
        scoreMaximum: 10,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      });
      expect((await lessonOf()).completed).toBe(true);

      const book = await t.http
        .get(`${API}/courses/${courseId}/gradebook?pageSize=100`)
        .set(...bearer(teacher))
        .expect(200);
      const item = book.body.data.items.find((i: { type: string }) => i.type === 'lti');
      expect(item).toMatchObject({ type: 'lti', title: 'Sandbox exercise', maxPoints: 100 });
      const row = book.body.data.students.find(
        (r: { studentId: string }) => r.studentId === s.user.id,
      );
      expect(row.grades.find((g: { itemId: string }) => g.itemId === item.id)).toEqual({
        itemId: item.id,
        score: 80,
        status: 'graded',
      });
      const mine = await t.http
        .get(`${API}/courses/${courseId}/my-grades`)
        .set(...bearer(s.user))
        .expect(200);
      expect(
        mine.body.data.grades.find((g: { itemId: string }) => g.itemId === item.id),
      ).toMatchObject({ score: 80, status: 'graded' });
    });

    it("ltijs reads the line item's scoreMaximum when a score leaves it out", async () => {
      const s = await student();
      const { seen } = await fullLaunch(s.user);
      const sent = await tool.provider.Grade.submitScore(seen.token, seen.endpoint!.lineitem!, {
        scoreGiven: 90,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      });
      expect(sent).toMatchObject({ scoreMaximum: 100, userId: s.user.id });
      const enrollment = await t.http
        .get(`${API}/enrollments/${s.enrollmentId}`)
        .set(...bearer(s.user))
        .expect(200);
      expect(
        enrollment.body.data.lessons.find((l: { lessonId: string }) => l.lessonId === lessonId)
          .completed,
      ).toBe(true);
    });

    it('refuses a score for a user not enrolled in the course (422)', async () => {
      const s = await student();
      const { seen } = await fullLaunch(s.user);
      const stranger = await createUser(t, 'student');
      const error = await tool.provider.Grade.submitScore(seen.token, seen.endpoint!.lineitem!, {
        userId: stranger.id,
        scoreGiven: 10,
        scoreMaximum: 10,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      }).then(
        () => null,
        (e: { response?: { statusCode: number; body: string } }) => e,
      );
      expect(error?.response?.statusCode).toBe(422);
      expect(JSON.parse(error!.response!.body).error.details[0].field).toBe('userId');
      const rows = await t.dataSource.query(`SELECT 1 FROM lti_scores WHERE user_id = $1`, [
        stranger.id,
      ]);
      expect(rows).toHaveLength(0);
    });

    it('keeps the latest score by timestamp, and tools create their own line items', async () => {
      const s = await student();
      await fullLaunch(s.user);
      const token = await accessTokenOf(await tokenRequest(await toolAssertion()));
      const listed = await fetch(
        api(`/lti/courses/${courseId}/lineitems?resource_link_id=${lessonId}`),
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(listed.headers.get('content-type')).toMatch(
        /^application\/vnd\.ims\.lis\.v2\.lineitemcontainer\+json/,
      );
      const [lineItem] = (await listed.json()) as Array<{ id: string }>;
      const post = (body: object) =>
        fetch(`${lineItem.id}/scores`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/vnd.ims.lis.v1.score+json',
          },
          body: JSON.stringify({
            userId: s.user.id,
            activityProgress: 'Completed',
            gradingProgress: 'FullyGraded',
            scoreMaximum: 10,
            ...body,
          }),
        });
      expect((await post({ scoreGiven: 5, timestamp: '2030-01-01T10:00:00.000Z' })).status).toBe(
        204,
      );
      expect((await post({ scoreGiven: 2, timestamp: '2030-01-01T09:00:00.000Z' })).status).toBe(
        204,
      );
      const [score] = await t.dataSource.query<Array<{ score_given: string }>>(
        `SELECT score_given FROM lti_scores WHERE user_id = $1`,
        [s.user.id],
      );
      expect(Number(score.score_given)).toBe(5);
      expect((await post({ scoreGiven: 5 })).status).toBe(422);
      const cell = async () => {
        const book = await t.http
          .get(`${API}/courses/${courseId}/my-grades`)
          .set(...bearer(s.user))
          .expect(200);
        const item = (
          await t.http
            .get(`${API}/courses/${courseId}/gradebook?pageSize=100`)
            .set(...bearer(teacher))
        ).body.data.items.find((i: { id: string }) => lineItem.id.endsWith(i.id));
        return book.body.data.grades.find((g: { itemId: string }) => g.itemId === item.id);
      };
      expect(await cell()).toMatchObject({ score: 50, status: 'graded' });
      // The tool takes the grade back for a manual review: pending, no score.
      expect(
        (
          await post({
            scoreGiven: undefined,
            scoreMaximum: undefined,
            activityProgress: 'Submitted',
            gradingProgress: 'PendingManual',
            timestamp: '2030-01-01T11:00:00.000Z',
          })
        ).status,
      ).toBe(204);
      expect(await cell()).toMatchObject({ score: null, status: 'pending' });

      const created = await fetch(api(`/lti/courses/${courseId}/lineitems`), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/vnd.ims.lis.v2.lineitem+json',
        },
        body: JSON.stringify({ label: 'Bonus', scoreMaximum: 20, tag: 'bonus' }),
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({
        label: 'Bonus',
        scoreMaximum: 20,
        tag: 'bonus',
      });
      const noScope = await fetch(api(`/lti/courses/${courseId}/lineitems`), {
        headers: { authorization: `Bearer ${s.user.accessToken}` },
      });
      expect(noScope.status).toBe(401);
      expect((await envelope(noScope)).error.code).toBe('LTI_INVALID_TOKEN');
      const elsewhere = await createCourse(t, teacher, { lessons: 1 });
      const hidden = await fetch(api(`/lti/courses/${elsewhere.id}/lineitems`), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(hidden.status).toBe(404);
    });

    it('parallel passing scores complete the lesson once (one lesson.completed event)', async () => {
      const s = await student();
      const { seen } = await fullLaunch(s.user);
      const token = await accessTokenOf(await tokenRequest(await toolAssertion()));
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          fetch(`${seen.endpoint!.lineitem}/scores`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              userId: s.user.id,
              scoreGiven: 9,
              scoreMaximum: 10,
              activityProgress: 'Completed',
              gradingProgress: 'FullyGraded',
              timestamp: new Date(Date.UTC(2031, 0, 1, 0, 0, i)).toISOString(),
            }),
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
      const events = await t.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM outbox_messages
          WHERE payload->>'type' = 'lesson.completed' AND payload->'data'->>'id' = $1
            AND payload->'data'->>'lessonId' = $2`,
        [s.enrollmentId, lessonId],
      );
      expect(events[0].n).toBe(1);
      const [latest] = await t.dataSource.query<Array<{ timestamp: Date }>>(
        `SELECT "timestamp" FROM lti_scores WHERE user_id = $1`,
        [s.user.id],
      );
      expect(new Date(latest.timestamp).toISOString()).toBe('2031-01-01T00:00:04.000Z');
    });

    it('parallel first launches create one default line item per lesson', async () => {
      const lesson = (
        await t.http
          .post(`${API}/courses/${courseId}/lessons`)
          .set(...bearer(teacher))
          .send({ title: 'Second tool lesson', contentType: 'lti', ltiToolId: registered.id })
          .expect(201)
      ).body.data.id;
      const students = await Promise.all(Array.from({ length: 4 }, () => student()));
      const launches = await Promise.all(
        students.map((s) =>
          fetch(api(`/lessons/${lesson}/lti/launch`), {
            headers: { authorization: `Bearer ${s.user.accessToken}` },
            redirect: 'manual',
          }),
        ),
      );
      expect(launches.map((r) => r.status)).toEqual([302, 302, 302, 302]);
      const rows = await t.dataSource.query(
        `SELECT 1 FROM lti_line_items WHERE lesson_id = $1 AND is_default`,
        [lesson],
      );
      expect(rows).toHaveLength(1);
    });
  });
});
