import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { RawResponse } from '../../common/decorators/raw-response.decorator';
import { ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { JwksResponse } from './dto/jwks.response';
import { SigningKeysService } from './signing-keys.service';

/** Served outside the `/api/v1` prefix, where verifiers look for it (see applyGlobalPrefix). */
export const JWKS_PATH = '.well-known/jwks.json';

@ApiTags('credentials')
@Public()
@RawResponse()
@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get(JWKS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: "The issuer's public keys (JWK Set)",
    description:
      'Every key that ever signed a credential stays listed after a rotation. A bare JWK Set ' +
      '(RFC 7517), never wrapped in the response envelope.',
  })
  @ApiOkResponse({ type: JwksResponse })
  @ApiErrors()
  jwks(): Promise<JwksResponse> {
    return this.keys.jwks() as Promise<JwksResponse>;
  }
}
