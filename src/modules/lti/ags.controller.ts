import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { RawResponse } from '../../common/decorators/raw-response.decorator';
import { ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { AgsService } from './ags.service';
import { CreateLineItemDto, LineItemResponse, LineItemsQuery, ScoreDto } from './dto/ags.dto';
import { AGS_SCOPES } from './lti-claims';
import { LtiTokenService } from './lti-token.service';

export const LINE_ITEM_TYPE = 'application/vnd.ims.lis.v2.lineitem+json';
export const LINE_ITEMS_TYPE = 'application/vnd.ims.lis.v2.lineitemcontainer+json';
export const SCORE_TYPE = 'application/vnd.ims.lis.v1.score+json';

const READ = [AGS_SCOPES.lineItem, AGS_SCOPES.lineItemReadonly];
const lineItemContent = (type: string, isArray = false) => ({
  [type]: {
    schema: isArray
      ? { type: 'array', items: { $ref: getSchemaPath(LineItemResponse) } }
      : { $ref: getSchemaPath(LineItemResponse) },
  },
});

/**
 * Assignment and Grade Services for tools, authenticated by a token of /lti/token (not a user's):
 * the AGS media types, no envelope on success (errors keep the error envelope).
 */
@ApiTags('lti')
@Public()
@RawResponse()
@ApiBearerAuth()
@ApiExtraModels(LineItemResponse)
@Controller('lti')
export class AgsController {
  constructor(
    private readonly ags: AgsService,
    private readonly tokens: LtiTokenService,
  ) {}

  @Get('courses/:courseId/lineitems')
  @Header('Content-Type', LINE_ITEMS_TYPE)
  @ApiOperation({
    summary: "AGS: the tool's line items in a course (scope lineitem or lineitem.readonly)",
  })
  @ApiResponse({
    status: 200,
    description: 'Line items',
    content: lineItemContent(LINE_ITEMS_TYPE, true),
  })
  @ApiErrors(401, 403, 404, 422)
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('courseId', uuidParam()) courseId: string,
    @Query() query: LineItemsQuery,
  ): Promise<LineItemResponse[]> {
    const grant = await this.tokens.authorize(authorization, READ);
    return this.ags.list(grant, courseId, query);
  }

  @Post('courses/:courseId/lineitems')
  @Header('Content-Type', LINE_ITEM_TYPE)
  @ApiOperation({ summary: 'AGS: create a line item (scope lineitem)' })
  @ApiConsumes('application/json', LINE_ITEM_TYPE)
  @ApiBody({ type: CreateLineItemDto })
  @ApiResponse({
    status: 201,
    description: 'The line item',
    content: lineItemContent(LINE_ITEM_TYPE),
  })
  @ApiErrors(401, 403, 404, 422)
  async create(
    @Headers('authorization') authorization: string | undefined,
    @Param('courseId', uuidParam()) courseId: string,
    @Body() body: CreateLineItemDto,
  ): Promise<LineItemResponse> {
    const grant = await this.tokens.authorize(authorization, [AGS_SCOPES.lineItem]);
    return this.ags.create(grant, courseId, body);
  }

  @Get('lineitems/:id')
  @Header('Content-Type', LINE_ITEM_TYPE)
  @ApiOperation({ summary: 'AGS: one line item (scope lineitem or lineitem.readonly)' })
  @ApiResponse({
    status: 200,
    description: 'The line item',
    content: lineItemContent(LINE_ITEM_TYPE),
  })
  @ApiErrors(401, 403, 404, 422)
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Param('id', uuidParam()) id: string,
  ): Promise<LineItemResponse> {
    const grant = await this.tokens.authorize(authorization, READ);
    return this.ags.get(grant, id);
  }

  @Post('lineitems/:id/scores')
  @HttpCode(204)
  @ApiOperation({
    summary: 'AGS: publish a score (scope score)',
    description:
      `Body \`${SCORE_TYPE}\` (or JSON). The latest \`timestamp\` per student wins; a ` +
      "Completed + FullyGraded score of a lesson's line item at or above its passing " +
      'percentage (60 % unless `ltiCustom.passingScorePercentage`) completes the lesson. ' +
      '422 for a user not enrolled in the course.',
  })
  @ApiConsumes('application/json', SCORE_TYPE)
  @ApiBody({ type: ScoreDto })
  @ApiResponse({ status: 204, description: 'Recorded' })
  @ApiErrors(401, 403, 404, 422)
  async score(
    @Headers('authorization') authorization: string | undefined,
    @Param('id', uuidParam()) id: string,
    @Body() body: ScoreDto,
  ): Promise<void> {
    const grant = await this.tokens.authorize(authorization, [AGS_SCOPES.score]);
    await this.ags.score(grant, id, body);
  }
}
