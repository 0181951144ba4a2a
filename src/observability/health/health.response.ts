import { ApiProperty } from '@nestjs/swagger';

export class HealthResponse {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

export class ReadinessResponse {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status: 'ok' | 'degraded';

  @ApiProperty({ enum: ['up', 'down'] })
  database: 'up' | 'down' | 'disabled';

  @ApiProperty({ enum: ['up', 'down', 'disabled'] })
  redis: 'up' | 'down' | 'disabled';
}
