import { Controller, Get, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { appConfig } from '../../config/configuration';
import { serviceInfo, ServiceInfoResponse } from './service-info.response';

/** Paths served outside the `/api/v1` prefix handling (see applyGlobalPrefix). */
export const SERVICE_INFO_PATHS = ['/', 'api/v1'] as const;

/** What a person or a client finds at the root: which API this is and where its docs are. */
@ApiTags('service')
@Public()
@RateLimit('none')
@Controller()
export class ServiceInfoController {
  constructor(@Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>) {}

  @Get('/')
  @ApiOperation({
    summary: 'Service name, version and documentation links',
    description: 'The same answer as `GET /api/v1`, at the root of the server.',
  })
  @ApiEnvelope(ServiceInfoResponse)
  root(): ServiceInfoResponse {
    return serviceInfo(this.app);
  }

  @Get('api/v1')
  @ApiOperation({
    summary: 'Service name, version and documentation links of API v1',
    description: 'Where to start: the docs URL (null when docs are off) and the health routes.',
  })
  @ApiEnvelope(ServiceInfoResponse)
  apiRoot(): ServiceInfoResponse {
    return serviceInfo(this.app);
  }
}
