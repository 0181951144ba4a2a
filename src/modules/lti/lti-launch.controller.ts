import { Controller, Get, Param, Redirect } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { RawResponse } from '../../common/decorators/raw-response.decorator';
import { ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { LtiLaunchService } from './lti-launch.service';

@ApiTags('lti')
@Auth()
@Controller('lessons')
export class LtiLaunchController {
  constructor(private readonly launches: LtiLaunchService) {}

  @Get(':id/lti/launch')
  @RawResponse()
  @Redirect(undefined, 302)
  @ApiOperation({
    summary: 'Launch an lti lesson (who may open the lesson)',
    description:
      "302 to the tool's login initiation URL with `iss`, `login_hint`, `target_link_uri`, " +
      '`lti_message_hint` (signed, 5 min, single use: it authenticates the user at ' +
      '/lti/authorize, where the browser carries no bearer header), `client_id` and ' +
      '`lti_deployment_id`. 400 NOT_AN_LTI_LESSON for other lessons; 403 LESSON_LOCKED.',
  })
  @ApiResponse({
    status: 302,
    description: "Redirect to the tool's login initiation URL",
    headers: { Location: { schema: { type: 'string' } } },
  })
  @ApiErrors(400, 403, 404, 422)
  async launch(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<{ url: string }> {
    return { url: await this.launches.launch(id, caller) };
  }
}
