import { Body, Controller, Get, Header, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators/public.decorator';
import { RawResponse } from '../../common/decorators/raw-response.decorator';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { LtiPlatformResponse } from './dto/lti-tool.response';
import { LtiLaunchService } from './lti-launch.service';
import type { AuthorizeParams } from './lti-launch.service';
import { JWT_BEARER, LtiTokenService, TokenResponse } from './lti-token.service';
import { LtiUrls } from './lti-urls';

const AUTHORIZE_PARAMS: Array<[string, boolean, string]> = [
  ['scope', true, '`openid`'],
  ['response_type', true, '`id_token`'],
  ['response_mode', true, '`form_post`'],
  ['prompt', true, '`none`'],
  ['client_id', true, "the tool's client id"],
  ['redirect_uri', true, 'one of the redirect URLs registered for the tool (exact match)'],
  ['login_hint', true, 'the `login_hint` of the login initiation'],
  ['lti_message_hint', true, 'the `lti_message_hint` of the login initiation (single use)'],
  ['nonce', true, "the tool's nonce (single use), echoed in the id_token"],
  ['state', false, "the tool's state, posted back with the id_token"],
  ['lti_deployment_id', false, 'must be the tool deployment when sent'],
];

const AUTHORIZE_DESCRIPTION =
  'OIDC authentication request of the LTI 1.3 third-party initiated login. No bearer header: ' +
  'the signed, single-use `lti_message_hint` of the launch identifies the user. Answers an HTML ' +
  'page that POSTs `id_token` (RS256, LtiResourceLinkRequest) and `state` to `redirect_uri`; ' +
  'an invalid request is a 400 in the error envelope (never a redirect). Parameters as query ' +
  '(GET) or form fields (POST); unknown parameters are ignored, as OIDC asks.';

const FORM_SCHEMA = {
  type: 'object',
  properties: Object.fromEntries(AUTHORIZE_PARAMS.map(([name]) => [name, { type: 'string' }])),
};

const HTML_RESPONSE = {
  description: 'Auto-submitting form (Content-Security-Policy allows only its form post)',
  content: { 'text/html': { schema: { type: 'string' } } },
};

@ApiTags('lti')
@Public()
@Controller('lti')
export class LtiPlatformController {
  constructor(
    private readonly urls: LtiUrls,
    private readonly launches: LtiLaunchService,
    private readonly tokens: LtiTokenService,
  ) {}

  @Get('platform')
  @ApiOperation({ summary: 'Platform configuration for registering this API in a tool' })
  @ApiEnvelope(LtiPlatformResponse)
  platform(): LtiPlatformResponse {
    return {
      issuer: this.urls.issuer,
      authorizationEndpoint: this.urls.authorizationEndpoint,
      tokenEndpoint: this.urls.tokenEndpoint,
      jwksUri: this.urls.jwksUri,
    };
  }

  @Get('authorize')
  @RawResponse()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'LTI OIDC authorization endpoint', description: AUTHORIZE_DESCRIPTION })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML_RESPONSE)
  @ApiErrors(400)
  authorizeGet(
    @Query() query: AuthorizeParams,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return this.answer(query, res);
  }

  @Post('authorize')
  @HttpCode(200)
  @RawResponse()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'LTI OIDC authorization endpoint', description: AUTHORIZE_DESCRIPTION })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: FORM_SCHEMA })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML_RESPONSE)
  @ApiErrors(400)
  authorizePost(
    @Body() body: AuthorizeParams,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return this.answer(body, res);
  }

  @Post('token')
  @HttpCode(200)
  @RawResponse()
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'OAuth 2.0 token endpoint for tools (client_credentials + JWT client assertion)',
    description:
      `\`grant_type=client_credentials\`, \`client_assertion_type=${JWT_BEARER}\`, ` +
      '`client_assertion` (a JWT the tool signs with a key of its JWKS URL: `iss` = `sub` = ' +
      'client id, `aud` = this endpoint, `exp` within 5 min, `jti` single use) and `scope` ' +
      '(AGS scopes: lineitem, lineitem.readonly, score). Answers the OAuth token JSON as is ' +
      '(no envelope), 15 min. Errors use the error envelope with the RFC 6749 ' +
      '`{error, error_description}` object as its `data`.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type', 'client_assertion_type', 'client_assertion', 'scope'],
      properties: {
        grant_type: { type: 'string', enum: ['client_credentials'] },
        client_assertion_type: { type: 'string', enum: [JWT_BEARER] },
        client_assertion: { type: 'string' },
        scope: { type: 'string' },
      },
    },
  })
  @ApiOkResponse({
    description: 'OAuth 2.0 access token response (RFC 6749 section 5.1)',
    schema: {
      type: 'object',
      required: ['access_token', 'token_type', 'expires_in', 'scope'],
      properties: {
        access_token: { type: 'string' },
        token_type: { type: 'string', enum: ['Bearer'] },
        expires_in: { type: 'integer' },
        scope: { type: 'string' },
      },
    },
  })
  @ApiErrors(400, 401)
  token(@Body() body: Record<string, unknown>): Promise<TokenResponse> {
    return this.tokens.issue(body ?? {});
  }

  private async answer(params: AuthorizeParams, res: Response): Promise<string> {
    const { html, csp } = await this.launches.authorize(params ?? {});
    res.setHeader('Content-Security-Policy', csp);
    return html;
  }
}

/** Documents the authorize parameters on the GET operation. */
for (const [name, required, description] of AUTHORIZE_PARAMS) {
  ApiQuery({ name, required, type: String, description })(
    LtiPlatformController.prototype,
    'authorizeGet',
    Object.getOwnPropertyDescriptor(LtiPlatformController.prototype, 'authorizeGet')!,
  );
}
