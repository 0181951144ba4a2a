import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { reportError } from '../../common/errors/error-reporter';
import { JOB_HANDLER_KEY, JobHandlerMetadata } from './job-handler.decorator';
import { QueueName } from './queue.constants';

type Handler = (data: unknown) => Promise<unknown>;

export const JOB_OUTCOMES_METRIC = 'jobs_processed_total';

/** Finds the `@JobHandler` methods at start-up and runs them for BullMQ workers and the inline runner. */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<string, Handler>();
  private readonly periodic: JobHandlerMetadata[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @InjectMetric(JOB_OUTCOMES_METRIC) private readonly outcomes: Counter<string>,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const meta = this.reflector.get<JobHandlerMetadata | undefined>(JOB_HANDLER_KEY, fn);
        if (meta) this.register(meta, (data) => Promise.resolve(fn.call(instance, data)));
      }
    }
  }

  has(queue: QueueName, name: string): boolean {
    return this.handlers.has(`${queue}:${name}`);
  }

  /** Every `queue:name` this process can run. */
  keys(): string[] {
    return [...this.handlers.keys()];
  }

  /** Handlers declared with `everyMs`. */
  scheduled(): readonly JobHandlerMetadata[] {
    return this.periodic;
  }

  async dispatch(queue: QueueName, name: string, data: unknown): Promise<unknown> {
    const handler = this.handlers.get(`${queue}:${name}`);
    if (!handler) throw new Error(`no handler for job ${queue}:${name}`);
    try {
      const result = await handler(data);
      this.outcomes.inc({ queue, name, status: 'completed' });
      return result;
    } catch (error) {
      this.outcomes.inc({ queue, name, status: 'failed' });
      this.logger.warn(`job ${queue}:${name} failed: ${(error as Error).message}`);
      reportError(error);
      throw error;
    }
  }

  private register(meta: JobHandlerMetadata, handler: Handler): void {
    const key = `${meta.queue}:${meta.name}`;
    if (this.handlers.has(key)) throw new Error(`two handlers for job ${key}`);
    this.handlers.set(key, handler);
    if (meta.everyMs) this.periodic.push(meta);
  }
}
