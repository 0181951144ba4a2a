import { LoggerService } from '@nestjs/common';
import { StartupQuietLogger } from './startup-quiet.logger';

describe('StartupQuietLogger', () => {
  function recorder() {
    const lines: Array<[string, unknown, unknown[]]> = [];
    const record =
      (level: string) =>
      (message: unknown, ...rest: unknown[]) =>
        lines.push([level, message, rest]);
    const inner: LoggerService = {
      log: record('info'),
      error: record('error'),
      warn: record('warn'),
      debug: record('debug'),
    };
    return { lines, logger: new StartupQuietLogger(inner) };
  }

  it("sends Nest's module and route lines at debug", () => {
    const { lines, logger } = recorder();
    logger.log('UsersModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/api/v1/users, GET} route', 'RouterExplorer');
    expect(lines.map(([level]) => level)).toEqual(['debug', 'debug']);
  });

  it('keeps the application lines at info, and errors as errors', () => {
    const { lines, logger } = recorder();
    logger.log('API listening on http://localhost:8000/api/v1', 'Bootstrap');
    logger.error('boom', 'ExceptionFilter');
    expect(lines.map(([level]) => level)).toEqual(['info', 'error']);
  });
});
