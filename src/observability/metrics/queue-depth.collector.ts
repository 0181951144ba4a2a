import { Injectable } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { JobQueue } from '../../infra/queue/job-queue';
import { QUEUE_DEPTH } from './metrics.constants';

/** Reads the queues' job counts when Prometheus scrapes, not on a timer. */
@Injectable()
export class QueueDepthCollector {
  constructor(jobs: JobQueue) {
    const existing = register.getSingleMetric(QUEUE_DEPTH);
    if (existing) register.removeSingleMetric(QUEUE_DEPTH);
    new Gauge({
      name: QUEUE_DEPTH,
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'],
      async collect() {
        const depths = await jobs.depths().catch(() => []);
        this.reset();
        for (const { queue, ...states } of depths) {
          for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
        }
      },
    });
  }
}
