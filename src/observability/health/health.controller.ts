import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { ServiceUnavailableError } from '../../common/errors/app-error';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { HealthResponse, ReadinessResponse } from './health.response';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Public()
@RateLimit('none')
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers; no dependency is checked' })
  @ApiEnvelope(HealthResponse)
  health(): HealthResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: database and Redis answer a ping',
    description:
      '503 SERVICE_UNAVAILABLE names the component that is down in `error.details` ' +
      '(`{field: "database", message: "down"}`) and carries the component states in `data` ' +
      '(`{status: "degraded", database, redis}`).',
  })
  @ApiEnvelope(ReadinessResponse, { errors: [503] })
  async ready(): Promise<ReadinessResponse> {
    const state = await this.readiness.check();
    if (state.status !== 'ok') {
      const down = (['database', 'redis'] as const).filter((name) => state[name] === 'down');
      throw new ServiceUnavailableError(
        `Not ready: ${down.join(', ')} down`,
        down.map((field) => ({ field, message: 'down' })),
        state,
      );
    }
    return state;
  }
}
