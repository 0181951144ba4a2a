import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { Client } from '../../common/decorators/client-info.decorator';
import type { ClientInfo } from '../../common/decorators/client-info.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { sendAttachment } from '../../common/http/content-disposition';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { EraseMeDto } from './dto/erase-me.dto';
import { PrivacyService } from './privacy.service';

const ERASURE =
  'The account is deactivated and anonymised (email `erased-<id>@invalid`, fullName ' +
  '`Erased user`, metadata cleared, MFA removed), its uploaded files are deleted from storage, ' +
  'its submission texts cleared and every session ends at once. Grades, attempts and enrollments ' +
  'stay; certificates keep their number and verify with `studentName: null`. Audit events are ' +
  'kept without the IP of the user’s actions or the email recorded about the account. Writes ' +
  'the `user.erased` audit event and webhook event (data `{id}`). Idempotent: erasing an erased ' +
  'account changes nothing. The last active admin cannot be erased (409 `LAST_ACTIVE_ADMIN`).';

@ApiTags('users')
@Controller('users')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get('me/export')
  @Auth()
  @ApiOperation({
    summary: 'Everything the API holds about the caller, as a JSON download',
    description:
      '`{exportedAt, userId, profile, auditEvents, certificates, credentials, enrollments, files, ' +
      'notifications, quizAttempts, reviews, sessions, submissions}` (one member per section), ' +
      'streamed, with `Content-Disposition: attachment`. No password hash, MFA ' +
      'secret or token is ever included.',
  })
  @ApiResponse({
    status: 200,
    description: 'The personal-data document',
    content: { 'application/json': { schema: { type: 'object' } } },
  })
  @ApiErrors()
  async export(
    @CurrentUser() caller: AuthenticatedUser,
    // @Res() only here: the document is written section by section.
    @Res() res: Response,
  ): Promise<void> {
    const document = await this.privacy.export(caller);
    sendAttachment(res, Readable.from(document), {
      contentType: 'application/json; charset=utf-8',
      filename: `personal-data-${caller.id}.json`,
    });
  }

  // Declared before `:id/erase`, which would otherwise take `me` for an id.
  @Post('me/erase')
  @HttpCode(204)
  @Auth()
  @ApiOperation({
    summary: 'Erase your own account and personal data',
    description: `${ERASURE} A wrong password is 401 \`WRONG_PASSWORD\` and counts against the login limit of this email and IP (423 after 5).`,
  })
  @ApiEnvelope(null, { status: 204, errors: [401, 409, 422, 423] })
  async eraseMe(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: EraseMeDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.privacy.eraseSelf(caller, body.password, client.ip);
  }

  @Post(':id/erase')
  @HttpCode(204)
  @Auth('admin')
  @ApiOperation({
    summary: 'Erase a user’s account and personal data (admin)',
    description: `${ERASURE} Your own account goes through POST /users/me/erase (403 here).`,
  })
  @ApiEnvelope(null, { status: 204, errors: [404, 409, 422] })
  async erase(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', uuidParam()) id: string,
  ): Promise<void> {
    await this.privacy.eraseById(caller, id);
  }
}
