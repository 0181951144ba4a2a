import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Public } from '../../common/decorators/public.decorator';
import { Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { sendAttachment } from '../../common/http/content-disposition';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import {
  CertificateCredentialResponse,
  toCertificateCredentialResponse,
} from '../credentials/dto/credential.response';
import { CertificatesService } from './certificates.service';
import {
  CertificateResponse,
  CertificateVerificationResponse,
  toCertificateResponse,
} from './dto/certificate.response';
import { GenerateCertificateDto } from './dto/generate-certificate.dto';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('certificates')
@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get('my-certificates')
  @Auth()
  @ApiOperation({ summary: 'Your certificates, newest first' })
  @ApiEnvelope(CertificateResponse, { paginated: true, errors: [422] })
  mine(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: PaginationQueryDto,
  ): Promise<Paginated<CertificateResponse>> {
    return this.certificates.mine(caller, query);
  }

  @Post('generate')
  @Idempotent()
  @Auth()
  @ApiOperation({
    summary: 'Issue the certificate of a completed enrollment (its student, admins)',
    description: '201 when issued now, 200 with the existing one; 422 ENROLLMENT_NOT_COMPLETED.',
  })
  @ApiEnvelope(CertificateResponse, { status: 201, errors: [403, 404, 422] })
  @ApiEnvelope(CertificateResponse, { status: 200, description: 'Already issued' })
  async generate(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: GenerateCertificateDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CertificateResponse> {
    const outcome = await this.certificates.generate(body.enrollmentId, caller);
    res.status(outcome.created ? 201 : 200);
    return toCertificateResponse(outcome.certificate);
  }

  @Get('verify/:certificateNumber')
  @Public()
  @ApiOperation({
    summary: 'Verify a certificate (public)',
    description: '`valid` is false once revoked; 404 for unknown numbers.',
  })
  @ApiEnvelope(CertificateVerificationResponse, { errors: [404] })
  verify(
    @Param('certificateNumber') certificateNumber: string,
  ): Promise<CertificateVerificationResponse> {
    return this.certificates.verify(certificateNumber);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'One certificate (its student, admins; 404 for others)' })
  @ApiEnvelope(CertificateResponse, { errors: [404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CertificateResponse> {
    return this.certificates.get(id, caller);
  }

  @Get(':id/download')
  @Auth()
  @ApiOperation({ summary: 'The certificate as a PDF (its student, admins)' })
  // The PDF media type is set on the 200 response only: errors stay JSON envelopes.
  @ApiResponse({
    status: 200,
    description: 'PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors(404, 422)
  async download(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Res() res: Response,
  ): Promise<void> {
    const { certificate, stream } = await this.certificates.pdf(id, caller);
    sendAttachment(res, stream, {
      contentType: 'application/pdf',
      filename: `certificate-${certificate.certificateNumber}.pdf`,
    });
  }

  @Get(':id/credential')
  @Auth()
  @ApiOperation({
    summary: 'The certificate as an Open Badges 3.0 credential (its student, admins)',
    description:
      '`credential` is the OpenBadgeCredential JSON, `jwt` the same as a VC-JWT signed with ' +
      'Ed25519 (verify it with the key of `/.well-known/jwks.json` named by its `kid`). Issued on ' +
      'the first call; every later call returns the same credential.',
  })
  @ApiEnvelope(CertificateCredentialResponse, { errors: [404, 422] })
  credential(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CertificateCredentialResponse> {
    return this.certificates.credential(id, caller).then(toCertificateCredentialResponse);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Auth('admin')
  @ApiOperation({ summary: 'Revoke a certificate (admin); verification then says valid: false' })
  @ApiEnvelope(CertificateResponse, { errors: [404, 422] })
  revoke(@Param('id', uuidParam()) id: string): Promise<CertificateResponse> {
    return this.certificates.revoke(id);
  }
}
