import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { createValidationPipe } from '../../common/pipes/validation.pipe';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { BulkEnrollmentBody, BulkEnrollmentDto } from './dto/bulk-enrollment.dto';
import { JobCreatedResponse, JobResponse } from './dto/job.response';
import { ImportsService } from './imports.service';

const validation = createValidationPipe();

@ApiTags('imports')
@Controller()
export class BulkEnrollmentsController {
  constructor(private readonly imports: ImportsService) {}

  @Post('courses/:id/enrollments/bulk')
  @HttpCode(202)
  @Auth()
  @Idempotent()
  @ApiOperation({
    summary: 'Enroll many students at once, in the background (the course’s instructor, admins)',
    description:
      'JSON `{emails, createMissingUsers?}` (1-50,000 emails, bodies up to 4 MB) or a ' +
      'multipart upload: field `file`, a CSV with a header row (`email`, optional `fullName`), ' +
      'and optional field `createMissingUsers`. 202 with the job id; follow it at `GET ' +
      '/jobs/:id`. Rows already enrolled (or repeated) count as succeeded, dropped enrollments ' +
      'are reactivated; invalid or unknown emails and non-student accounts are row errors. With ' +
      '`createMissingUsers`, unknown emails become student accounts that are mailed a link to ' +
      'set their password (valid 7 days). Enrollments made have the side effects of `POST ' +
      '/enrollments` (`enrollment.created`, confirmation mail). 422 for a malformed CSV, a ' +
      'missing `email` column or more than 50,000 rows.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: BulkEnrollmentBody })
  @ApiEnvelope(JobCreatedResponse, { status: 202, errors: [400, 403, 404, 422] })
  async start(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Req() req: Request,
  ): Promise<JobCreatedResponse> {
    if (req.is('multipart/form-data')) {
      return { jobId: await this.imports.startFromCsv(id, caller, req) };
    }
    const body = (await validation.transform(req.body ?? {}, {
      type: 'body',
      metatype: BulkEnrollmentDto,
    })) as BulkEnrollmentDto;
    return { jobId: await this.imports.startFromEmails(id, caller, body) };
  }

  @Get('jobs/:id')
  @Auth()
  @ApiOperation({
    summary: 'A background job and its progress (who started it, admins)',
    description: 'Others get 404. `errors` holds the first 1,000 row errors.',
  })
  @ApiEnvelope(JobResponse, { errors: [404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<JobResponse> {
    return this.imports.get(id, caller);
  }
}
