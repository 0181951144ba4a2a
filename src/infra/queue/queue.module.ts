import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { Queue } from 'bullmq';
import { jobsConfig, redisConfig } from '../../config/configuration';
import { BullJobQueue } from './bull-job-queue';
import { InlineJobQueue } from './inline-job-queue';
import { JobHandlerRegistry, JOB_OUTCOMES_METRIC } from './job-handler.registry';
import { JobQueue } from './job-queue';
import { JobScheduler } from './job-scheduler';
import { ALL_QUEUES, DEFAULT_JOB_ATTEMPTS, DEFAULT_JOB_BACKOFF_MS } from './queue.constants';

const sharedProviders = [
  JobHandlerRegistry,
  JobScheduler,
  makeCounterProvider({
    name: JOB_OUTCOMES_METRIC,
    help: 'Jobs processed, by queue, job name and outcome',
    labelNames: ['queue', 'name', 'status'],
  }),
];

/**
 * Decides once, from configuration, how jobs run: BullMQ on Redis (JOBS_INLINE=false) or the
 * inline runner. BullMQ is not even imported into the graph without Redis, so it never connects.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    const inline = jobsConfig().inline;
    if (inline) {
      return {
        module: QueueModule,
        imports: [DiscoveryModule],
        providers: [
          ...sharedProviders,
          InlineJobQueue,
          { provide: JobQueue, useExisting: InlineJobQueue },
        ],
        exports: [JobQueue, JobHandlerRegistry],
      };
    }
    return {
      module: QueueModule,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [redisConfig.KEY],
          useFactory: (cfg: ConfigType<typeof redisConfig>) => ({
            connection: { url: cfg.url, maxRetriesPerRequest: null },
            prefix: `${cfg.prefix}:bull`,
            defaultJobOptions: {
              attempts: DEFAULT_JOB_ATTEMPTS,
              backoff: { type: 'exponential', delay: DEFAULT_JOB_BACKOFF_MS },
              removeOnComplete: { age: 24 * 3600, count: 1000 },
              removeOnFail: { age: 7 * 24 * 3600 },
            },
          }),
        }),
        ...ALL_QUEUES.map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [
        ...sharedProviders,
        {
          provide: JobQueue,
          inject: ALL_QUEUES.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) =>
            new BullJobQueue(new Map(ALL_QUEUES.map((name, i) => [name, queues[i]]))),
        },
      ],
      exports: [JobQueue, JobHandlerRegistry, BullModule],
    };
  }
}
