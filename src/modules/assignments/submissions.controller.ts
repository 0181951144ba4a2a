import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Paginated } from '../../common/dto/paginated';
import { sendAttachment } from '../../common/http/content-disposition';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { CreateSubmissionDto } from './dto/create-submission.dto';
import { GradeSubmissionDto } from './dto/grade-submission.dto';
import { ListSubmissionsQuery } from './dto/list-submissions.query';
import { SubmissionResponse } from './dto/submission.response';
import { SubmissionsService } from './submissions.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('assignments')
@Controller()
export class SubmissionsController {
  constructor(private readonly submissions: SubmissionsService) {}

  @Post('assignments/:id/submissions')
  @Idempotent()
  @Auth()
  @ApiOperation({
    summary: 'Submit (enrolled student): a new version',
    description:
      'text and/or fileIds as submissionTypes allow (422); others’ files 404; past dueAt without ' +
      'late submissions 409 ASSIGNMENT_CLOSED; a second submit without resubmission 409 ' +
      'ALREADY_SUBMITTED; a locked lesson 403 LESSON_LOCKED.',
  })
  @ApiEnvelope(SubmissionResponse, { status: 201, errors: [403, 404, 409, 422] })
  submit(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateSubmissionDto,
  ): Promise<SubmissionResponse> {
    return this.submissions.submit(id, caller, body);
  }

  @Get('assignments/:id/submissions')
  @Auth()
  @ApiOperation({
    summary: 'Submissions of an assignment',
    description: 'Students: their own versions; the owner and admins: the latest per student.',
  })
  @ApiEnvelope(SubmissionResponse, { paginated: true, errors: [403, 404, 422] })
  list(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListSubmissionsQuery,
  ): Promise<Paginated<SubmissionResponse>> {
    return this.submissions.list(id, caller, query);
  }

  @Get('submissions/:id')
  @Auth()
  @ApiOperation({ summary: 'One submission (its student, the course owner, admins)' })
  @ApiEnvelope(SubmissionResponse, { errors: [403, 404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<SubmissionResponse> {
    return this.submissions.get(id, caller);
  }

  @Get('submissions/:id/files/:fileId/download')
  @Auth()
  @ApiOperation({
    summary: 'Download a file of a submission (its student, the course owner, admins)',
    description: 'As /files/:id/download: the bytes (local storage) or 302 to a SAS URL (Azure).',
  })
  // The bytes' media type is set on the 200 response only: errors stay JSON envelopes.
  @ApiResponse({
    status: 200,
    description: 'The file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 302, description: 'Redirect to a time-limited download URL' })
  @ApiErrors(403, 404, 422)
  async download(
    @Param('id', uuidParam()) id: string,
    @Param('fileId', uuidParam('fileId')) fileId: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Res() res: Response,
  ): Promise<void> {
    const download = await this.submissions.download(id, fileId, caller);
    if (download.kind === 'redirect') {
      res.redirect(302, download.url);
      return;
    }
    sendAttachment(res, download.stream, {
      contentType: download.file.contentType,
      filename: download.file.originalFilename,
      length: download.file.fileSize,
    });
  }

  @Post('submissions/:id/grade')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Grade or regrade a submission (course owner, admin)',
    description:
      'score (0..maxPoints) or rubricScores (each criterion once, 0..its points); finalScore ' +
      'is score less the late penalty. A passing grade completes the assignment’s lesson.',
  })
  @ApiEnvelope(SubmissionResponse, { errors: [403, 404, 422] })
  grade(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: GradeSubmissionDto,
  ): Promise<SubmissionResponse> {
    return this.submissions.grade(id, caller, body);
  }
}
