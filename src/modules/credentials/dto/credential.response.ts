import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IssuedCredential } from '../credentials.service';

/** The issuer, an Open Badges 3.0 `Profile`. */
export class IssuerProfileResponse {
  @ApiProperty({ format: 'uri', example: 'https://lms.example.com/api/v1/issuer' }) id: string;
  @ApiProperty({ type: [String], example: ['Profile'] }) type: string[];
  @ApiProperty({ example: 'LMS' }) name: string;
  @ApiProperty({ format: 'uri', example: 'https://lms.example.com' }) url: string;
}

export class IdentityObjectResponse {
  @ApiProperty({ example: 'IdentityObject' }) type: string;
  @ApiProperty({ example: 'sha256$0f1e...', description: 'sha256$ + hex SHA-256(email + salt)' })
  identityHash: string;
  @ApiProperty({ example: 'emailAddress' }) identityType: string;
  @ApiProperty({ example: true }) hashed: boolean;
  @ApiProperty() salt: string;
}

export class CriteriaResponse {
  @ApiProperty() narrative: string;
}

export class AchievementResponse {
  @ApiProperty({ format: 'uri' }) id: string;
  @ApiProperty({ type: [String], example: ['Achievement'] }) type: string[];
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: CriteriaResponse }) criteria: CriteriaResponse;
}

export class AchievementSubjectResponse {
  @ApiProperty({ type: [String], example: ['AchievementSubject'] }) type: string[];
  @ApiProperty({ type: [IdentityObjectResponse] }) identifier: IdentityObjectResponse[];
  @ApiProperty({ type: AchievementResponse }) achievement: AchievementResponse;
}

export class CredentialStatusResponse {
  @ApiPropertyOptional({ format: 'uri' }) id?: string;
  @ApiProperty({ example: 'BitstringStatusListEntry' }) type: string;
  @ApiProperty({ example: 'revocation' }) statusPurpose: string;
  @ApiProperty({ example: '94567', description: 'the index, as a string of digits' })
  statusListIndex: string;
  @ApiProperty({ format: 'uri' }) statusListCredential: string;
}

/** An Open Badges 3.0 `OpenBadgeCredential` (W3C Verifiable Credentials 2.0). */
export class OpenBadgeCredentialResponse {
  @ApiProperty({
    name: '@context',
    type: [String],
    example: [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
  })
  context: string[];
  @ApiProperty({ format: 'uri' }) id: string;
  @ApiProperty({ type: [String], example: ['VerifiableCredential', 'OpenBadgeCredential'] })
  type: string[];
  @ApiProperty({ type: IssuerProfileResponse }) issuer: IssuerProfileResponse;
  @ApiProperty({ format: 'date-time' }) validFrom: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: AchievementSubjectResponse })
  credentialSubject: AchievementSubjectResponse;
  @ApiProperty({ type: CredentialStatusResponse }) credentialStatus: CredentialStatusResponse;
}

export class CertificateCredentialResponse {
  @ApiProperty({ type: OpenBadgeCredentialResponse }) credential: OpenBadgeCredentialResponse;
  @ApiProperty({
    description:
      'The same credential as a VC-JWT: compact JWS (typ vc+jwt, alg EdDSA, kid in ' +
      '/.well-known/jwks.json) whose payload is exactly `credential`',
  })
  jwt: string;
}

export function toCertificateCredentialResponse(
  issued: IssuedCredential,
): CertificateCredentialResponse {
  // The JSON-LD `@context` member cannot be a decorated class property (it is documented under
  // that name above): the credential is sent exactly as signed.
  return {
    credential: issued.credential as unknown as OpenBadgeCredentialResponse,
    jwt: issued.jwt,
  };
}
