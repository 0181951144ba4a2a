import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { RawResponse } from '../../common/decorators/raw-response.decorator';
import { ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { JwksRegistry, PublicJwk } from './jwks.registry';

export const JWKS_PATH = '.well-known/jwks.json';

@ApiTags('keys')
@Public()
@RawResponse()
@Controller()
export class JwksController {
  constructor(private readonly registry: JwksRegistry) {}

  @Get(JWKS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Public keys of this API (RFC 7517 JWK Set), outside /api/v1 and the envelope',
    description:
      'Every key that signs for this API, by `kid`: the Open Badges credential keys (EdDSA, ' +
      'Ed25519; retired ones stay listed after a rotation, so what they signed stays ' +
      'verifiable) and the LTI platform key (RS256) that signs LTI id_tokens. A bare JWK Set, ' +
      'never wrapped in the response envelope.',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['keys'],
      properties: {
        keys: {
          type: 'array',
          items: {
            type: 'object',
            required: ['kid', 'kty'],
            properties: {
              kid: { type: 'string' },
              kty: { type: 'string' },
              alg: { type: 'string' },
              use: { type: 'string' },
            },
            additionalProperties: true,
          },
        },
      },
    },
  })
  @ApiErrors()
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    return { keys: await this.registry.keys() };
  }
}
