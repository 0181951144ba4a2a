import { Global, Module } from '@nestjs/common';
import { AttemptLimiter } from './attempt-limiter';
import { AttemptsRepository } from './attempts.repository';

@Global()
@Module({
  providers: [AttemptLimiter, AttemptsRepository],
  exports: [AttemptLimiter],
})
export class AttemptsModule {}
