import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { PagedObject } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { sendAttachment } from '../../common/http/content-disposition';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { GradebookResponse, MyGradesStudentResponse } from './dto/gradebook.response';
import { GradebookService } from './gradebook.service';

@ApiTags('gradebook')
@Controller('courses/:id')
export class GradebookController {
  constructor(private readonly gradebook: GradebookService) {}

  @Get('gradebook')
  @Auth()
  @ApiOperation({
    summary: 'A page of the gradebook (owner, admin)',
    description:
      'Published quizzes and assignments as `items`, a page of enrolled students by fullName as ' +
      '`students` with a grade per item and earned/possible/percentage; `meta` counts students.',
  })
  @ApiEnvelope(GradebookResponse, { pagedObject: true, errors: [403, 404, 422] })
  page(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: PaginationQueryDto,
  ): Promise<PagedObject<GradebookResponse>> {
    return this.gradebook.page(courseId, caller, query);
  }

  @Get('gradebook.csv')
  @Auth()
  @ApiOperation({
    summary: 'The whole gradebook as CSV (owner, admin)',
    description:
      'RFC 4180, UTF-8, streamed: `studentId,fullName,email,<item title>...,earned,possible,' +
      'percentage`, one row per enrolled student by fullName; empty cells for no score.',
  })
  // The CSV media type is set on the 200 response only: errors stay JSON envelopes.
  @ApiResponse({
    status: 200,
    description: 'The gradebook as CSV',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiErrors(403, 404, 422)
  async csv(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller: AuthenticatedUser,
    // @Res() only here: the rows are written as each batch of students is read.
    @Res() res: Response,
  ): Promise<void> {
    const lines = await this.gradebook.csv(courseId, caller);
    sendAttachment(res, Readable.from(lines), {
      contentType: 'text/csv; charset=utf-8',
      filename: `gradebook-${courseId}.csv`,
    });
  }

  @Get('my-grades')
  @Auth()
  @ApiOperation({
    summary: 'Your own gradebook row (enrolled student)',
    description: 'As a gradebook row, with the assignment feedback per item (null for quizzes).',
  })
  @ApiEnvelope(MyGradesStudentResponse, { errors: [403, 404, 422] })
  myGrades(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<MyGradesStudentResponse> {
    return this.gradebook.myGrades(courseId, caller);
  }
}
