import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A public JSON Web Key (RFC 7517): OKP/Ed25519 for credentials, RSA for other purposes. */
export class JwkResponse {
  @ApiProperty({ example: 'OKP', description: 'key type: OKP (Ed25519) or RSA' }) kty: string;
  @ApiProperty({ example: 'x3Wq7A...', description: 'RFC 7638 thumbprint of the key' })
  kid: string;
  @ApiProperty({ example: 'EdDSA' }) alg: string;
  @ApiProperty({ example: 'sig' }) use: string;
  @ApiPropertyOptional({ example: 'Ed25519' }) crv?: string;
  @ApiPropertyOptional({ description: 'OKP public key, base64url' }) x?: string;
  @ApiPropertyOptional({ description: 'RSA modulus, base64url' }) n?: string;
  @ApiPropertyOptional({ description: 'RSA exponent, base64url' }) e?: string;
}

export class JwksResponse {
  @ApiProperty({ type: [JwkResponse] }) keys: JwkResponse[];
}
