import { Controller, Get, Headers, Inject, NotFoundException, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { register } from 'prom-client';
import { observabilityConfig } from '../../config/configuration';
import { metricsAuthorized } from './metrics-token';
import { Public } from '../../common/decorators/public.decorator';
import { RawResponse } from '../../common/decorators/raw-response.decorator';
import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { UnauthorizedError } from '../../common/errors/app-error';

/** Prometheus text at /metrics; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
@ApiExcludeController()
@Public()
@RateLimit('none')
@RawResponse()
@Controller()
export class MetricsController {
  constructor(
    @Inject(observabilityConfig.KEY)
    private readonly cfg: ConfigType<typeof observabilityConfig>,
  ) {}

  @Get()
  async index(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    if (!this.cfg.metricsEnabled) throw new NotFoundException('Cannot GET /metrics');
    if (!metricsAuthorized(authorization, this.cfg.metricsToken)) {
      throw new UnauthorizedError('A valid metrics token is required');
    }
    res.setHeader('Content-Type', register.contentType);
    return register.metrics();
  }
}
