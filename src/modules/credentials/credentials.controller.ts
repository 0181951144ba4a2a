import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators/public.decorator';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { CredentialsService, VC_JWT_TYPE } from './credentials.service';
import { IssuerProfileResponse } from './dto/credential.response';

@ApiTags('credentials')
@Public()
@Controller()
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get('issuer')
  @ApiOperation({ summary: 'The issuer of certificates and credentials (an Open Badges Profile)' })
  @ApiEnvelope(IssuerProfileResponse)
  issuer(): IssuerProfileResponse {
    return this.credentials.issuer();
  }

  @Get('credentials/status/:listId')
  @ApiOperation({
    summary: 'A revocation status list (BitstringStatusListCredential as a VC-JWT)',
    description:
      'The `encodedList` is the multibase base64url (`u`) GZIP of a 131,072-bit list; the bit ' +
      'at `statusListIndex` (index 0 = left-most bit of the first byte) is 1 once revoked.',
  })
  // The VC-JWT media type is set on the 200 response only: errors stay JSON envelopes.
  @ApiResponse({
    status: 200,
    description: 'compact JWS',
    content: { [`application/${VC_JWT_TYPE}`]: { schema: { type: 'string' } } },
  })
  @ApiErrors(404, 422)
  async statusList(
    @Param('listId', uuidParam('listId')) listId: string,
    @Res() res: Response,
  ): Promise<void> {
    const jwt = await this.credentials.statusList(listId);
    // Short: a revocation should reach verifiers within a minute.
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.status(200).type(`application/${VC_JWT_TYPE}`).send(jwt);
  }
}
