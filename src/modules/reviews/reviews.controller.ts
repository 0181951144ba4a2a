import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { OptionalAuth } from '../../common/decorators/optional-auth.decorator';
import { Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { PutReviewDto } from './dto/put-review.dto';
import { ReviewResponse } from './dto/review.response';
import { ReviewsService } from './reviews.service';

@ApiTags('reviews')
@Controller('courses/:id/reviews')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'Reviews of a course, newest first (whoever can see the course)',
  })
  @ApiEnvelope(ReviewResponse, { paginated: true, errors: [401, 404, 422] })
  list(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser | undefined,
    @Query() query: PaginationQueryDto,
  ): Promise<Paginated<ReviewResponse>> {
    return this.reviews.list(id, caller, query);
  }

  @Put('me')
  @Auth()
  @ApiOperation({
    summary: 'Write or replace your review (students enrolled in the course)',
    description:
      'One review per student: a PUT replaces rating and comment. The course’s `ratingAverage` ' +
      'and `ratingCount` change in the same transaction. 403 for other roles, students not ' +
      'enrolled and dropped enrollments.',
  })
  @ApiEnvelope(ReviewResponse, { errors: [403, 404, 422] })
  put(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: PutReviewDto,
  ): Promise<ReviewResponse> {
    return this.reviews.put(id, caller, body);
  }

  @Delete('me')
  @HttpCode(204)
  @Auth()
  @ApiOperation({
    summary: 'Delete your review',
    description: '204 whether or not there was one.',
  })
  @ApiEnvelope(null, { status: 204, errors: [404, 422] })
  async remove(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.reviews.remove(id, caller);
  }
}
