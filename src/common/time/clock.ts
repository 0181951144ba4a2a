import { Injectable } from '@nestjs/common';

/**
 * The current time, injectable so that time-dependent rules (quiz time limits) can be tested
 * without waiting.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
