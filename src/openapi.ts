import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorEnvelopeSchema, PageMetaSchema } from './common/openapi/error-envelope.schema';

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

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('LMS API')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorEnvelopeSchema, PageMetaSchema],
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
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
