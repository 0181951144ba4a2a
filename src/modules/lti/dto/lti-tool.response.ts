import { ApiProperty } from '@nestjs/swagger';
import type { LtiTool } from '../entities/lti-tool.entity';

export class LtiToolResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() clientId: string;
  @ApiProperty() deploymentId: string;
  @ApiProperty() loginInitiationUrl: string;
  @ApiProperty({ type: [String] }) redirectUrls: string[];
  @ApiProperty() jwksUrl: string;
  @ApiProperty({ type: String, nullable: true }) deepLinkingUrl: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export function toLtiToolResponse(tool: LtiTool): LtiToolResponse {
  return {
    id: tool.id,
    name: tool.name,
    clientId: tool.clientId,
    deploymentId: tool.deploymentId,
    loginInitiationUrl: tool.loginInitiationUrl,
    redirectUrls: tool.redirectUrls,
    jwksUrl: tool.jwksUrl,
    deepLinkingUrl: tool.deepLinkingUrl,
    createdAt: tool.createdAt.toISOString(),
    updatedAt: tool.updatedAt.toISOString(),
  };
}

export class LtiPlatformResponse {
  @ApiProperty({ description: "The `iss` of every id_token: this API's public URL" })
  issuer: string;
  @ApiProperty({ description: 'OIDC authorization endpoint (/lti/authorize)' })
  authorizationEndpoint: string;
  @ApiProperty({ description: 'OAuth 2.0 token endpoint (/lti/token), also the assertion `aud`' })
  tokenEndpoint: string;
  @ApiProperty({ description: 'The platform key set (/.well-known/jwks.json)' })
  jwksUri: string;
}
