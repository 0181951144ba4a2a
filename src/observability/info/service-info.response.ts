import type { ConfigType } from '@nestjs/config';
import { ApiProperty } from '@nestjs/swagger';
import { APP_INFO } from '../../common/app-info';
import type { appConfig } from '../../config/configuration';

export class ServiceInfoResponse {
  @ApiProperty({ example: 'lms-api' }) name: string;
  @ApiProperty({ example: '0.1.0', description: 'The server version (package.json)' })
  version: string;
  @ApiProperty({ example: 'http://localhost:8000/api/v1' }) apiUrl: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'http://localhost:8000/docs',
    description: 'Swagger UI; null when API_DOCS_ENABLED is off (production default)',
  })
  docsUrl: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'http://localhost:8000/docs-json' })
  openApiUrl: string | null;
  @ApiProperty({ example: 'http://localhost:8000/api/v1/health' }) healthUrl: string;
}

export function serviceInfo(app: ConfigType<typeof appConfig>): ServiceInfoResponse {
  const base = app.publicUrl;
  return {
    name: APP_INFO.name,
    version: APP_INFO.version,
    apiUrl: `${base}/api/v1`,
    docsUrl: app.apiDocsEnabled ? `${base}/docs` : null,
    openApiUrl: app.apiDocsEnabled ? `${base}/docs-json` : null,
    healthUrl: `${base}/api/v1/health`,
  };
}
