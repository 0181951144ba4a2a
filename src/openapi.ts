import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { APP_INFO } from './common/app-info';
import { applyErrorCatalog } from './common/openapi/error-catalog';
import { ErrorEnvelopeSchema, PageMetaSchema } from './common/openapi/error-envelope.schema';
import { IDEMPOTENCY_HEADER } from './infra/idempotency/idempotency.constants';
import { ERROR_CATALOG } from './error-codes';

const DESCRIPTION = `
HTTP API of the LMS: courses, lessons, quizzes, enrollments, certificates, analytics, files and webhooks.

**Envelope.** Successful responses are \`{success: true, message, data, meta?}\` (\`meta\` on paginated
lists: \`{page, pageSize, total, totalPages}\`). With \`RESPONSE_ENVELOPE_ENABLED=false\` the payload is
sent bare, and lists as \`{data, meta}\`. 204 responses, file and PDF downloads are never wrapped.

**Errors** always use \`{success: false, message, error: {code, details}, requestId}\`; validation
errors (422 \`VALIDATION_ERROR\`) list \`details: [{field, message}]\` with nested fields written as
\`answers.0.questionId\`. Unknown body fields are rejected with 422.

**Request ids.** Every response carries \`X-Request-ID\`: the caller's value when it is 1-128
characters of \`A-Z a-z 0-9 . _ : -\`, else a new UUID.

**Rate limits** (429 \`RATE_LIMITED\`, with \`Retry-After\` and \`X-RateLimit-Limit/Remaining/Reset\`) count
per user when authenticated, else per client IP, in three budgets: default, auth routes and uploads.
`.trim();

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;

/** Global tags, in reading order: sign in first, operations last. */
const TAGS: Array<[name: string, description: string]> = [
  [
    'auth',
    'Register, log in (with MFA), refresh and revoke tokens, reset passwords, verify emails',
  ],
  [
    'users',
    'Your profile and password, your personal data (export, erasure); user administration (admin)',
  ],
  ['courses', 'The catalogue, course authoring and publishing, lesson outlines'],
  ['lessons', 'Lesson content, editing and ordering'],
  ['modules', 'Course modules: order, release schedule, prerequisites and per-student lock states'],
  ['enrollments', 'Enrolling, progress and completion'],
  ['quizzes', 'Quizzes and their questions'],
  ['attempts', 'Timed quiz attempts, submission and grading'],
  ['assignments', 'Assignments, versioned submissions and grading (with rubrics)'],
  ['reviews', 'Course reviews by enrolled students; courses carry the rating average'],
  ['gradebook', "Course gradebook (JSON pages and streamed CSV) and a student's own grades"],
  ['imports', 'Bulk enrollment jobs (CSV or JSON) and their progress'],
  ['files', 'Uploads and downloads'],
  ['certificates', 'Certificates of completion, PDF downloads and public verification'],
  ['credentials', 'Open Badges 3.0 issuer profile, public keys (JWKS) and revocation status lists'],
  ['webhooks', 'Event subscriptions with signed deliveries (admin)'],
  ['analytics', 'Aggregates for students, instructors and admins'],
  ['audit', 'The audit log of security-relevant changes (admin)'],
  [
    'lti',
    'LTI 1.3 platform: tool registry (admin), lesson launches, OIDC login, tool tokens and ' +
      'Assignment and Grade Services',
  ],
  ['keys', 'Public signing keys (JWKS)'],
  ['notifications', 'Your in-app notifications: list, mark read, live stream (Server-Sent Events)'],
  ['service', 'Name, version and documentation links'],
  ['health', 'Liveness and readiness probes'],
];

/** Where the document says the API runs; clients set their own base URL. */
const SERVERS = [{ url: 'http://localhost:8000', description: 'Local development (`npm start`)' }];

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('LMS API')
    .setDescription(DESCRIPTION)
    .setVersion(APP_INFO.version)
    .setLicense(APP_INFO.license, `https://spdx.org/licenses/${APP_INFO.license}.html`)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const { url, description } of SERVERS) builder.addServer(url, description);
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ErrorEnvelopeSchema, PageMetaSchema],
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  for (const operation of operations(document)) describeAccess(operation);
  describeIdempotency(document);
  applyErrorCatalog(document, ERROR_CATALOG);
  return document;
}

function operations(document: OpenAPIObject): OperationObject[] {
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
  return Object.values(document.paths).flatMap((item) =>
    methods.map((method) => item[method]).filter((op): op is OperationObject => Boolean(op)),
  );
}

/**
 * Every operation states its security (public routes `security: []`) and has a description,
 * which says who may call it when the route gave none.
 */
function describeAccess(operation: OperationObject): void {
  operation.security ??= [];
  const schemes = operation.security;
  const access =
    schemes.length === 0
      ? 'No authentication.'
      : schemes.some((requirement) => Object.keys(requirement).length === 0)
        ? 'A bearer token is optional; when sent, it identifies the caller.'
        : 'Needs a bearer access token.';
  const summary = operation.summary ? `${operation.summary.replace(/\.$/, '')}. ` : '';
  operation.description ??= `${summary}${access}`;
}

/** Lists, in the document's description, the operations that take `Idempotency-Key`. */
function describeIdempotency(document: OpenAPIObject): void {
  const idempotent = Object.entries(document.paths).flatMap(([path, item]) =>
    item.post?.parameters?.some(
      (parameter) => 'name' in parameter && parameter.name === IDEMPOTENCY_HEADER,
    )
      ? [`\`POST ${path}\``]
      : [],
  );
  document.info.description +=
    '\n\n**Idempotency.** These operations take an optional `Idempotency-Key` header (1-255 ' +
    'characters): the first successful response (status and body) is kept 24 h per caller (user, ' +
    'or IP when anonymous) and key, in the database shared by every API process, and sent again ' +
    'with `Idempotent-Replayed: true` to a retry with the same key, method, URL and body (for ' +
    'multipart uploads: the same Content-Length); the same key with another request is 422 ' +
    '`IDEMPOTENCY_KEY_REUSED`, a retry while the first still runs is 409 ' +
    '`IDEMPOTENCY_KEY_IN_USE`. An error response (4xx or 5xx) is not kept: the key can be used ' +
    `again. ${idempotent.join(', ')}.`;
}

/** Stable text form of the document, as committed in openapi.json. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Swagger UI at /docs and the document at /docs-json, outside the /api/v1 prefix. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}
