import { existsSync } from 'node:fs';
import { validateEnvironment } from '../../src/config/environment';
import { composeEnvironment, type ComposeService, loadYaml } from '../utils/deploy-files';
import { DRAIN_SECONDS, ENV_VARIABLES, SECRET_VARIABLES } from './app-facts';

interface Service extends Omit<ComposeService, 'depends_on'> {
  /** The short form lists names; the long form gives each a condition. */
  depends_on?: string[] | Record<string, { condition: string }>;
  stop_grace_period?: string;
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const DEPENDENCY_CONDITIONS = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
];

/** Services that run this repository's app: built from it, or running dist/ or npm scripts. */
const isApp = (service: Service) =>
  service.build !== undefined || /dist\/|npm run/.test(JSON.stringify(service.command ?? ''));

const dependenciesOf = (service: Service): Array<[string, string]> =>
  Array.isArray(service.depends_on)
    ? service.depends_on.map((name) => [name, 'service_started'])
    : Object.entries(service.depends_on ?? {}).map(([name, { condition }]) => [name, condition]);

/** Compose durations: `45s`, `1m30s`, `2m`. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(h|ms|m|s)/g)) {
    total += Number(n) * { h: 3600, m: 60, s: 1, ms: 0.001 }[unit as 'h' | 'm' | 's' | 'ms'];
  }
  return total;
}

/** What an operator exports before `docker compose up`: values the production rules accept. */
const OPERATOR_VARS = {
  POSTGRES_PASSWORD: 'compose-test-password',
  REDIS_PASSWORD: 'compose-test-password',
  JWT_SECRET: 'compose-test-jwt-secret-0123456789abcdefghijklmnop',
  DATA_ENCRYPTION_KEY: 'compose-test-data-key-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  SMTP_URL: 'smtp://user:secret@smtp.example.com:587',
  APP_PUBLIC_URL: 'https://lms.example.com',
  METRICS_TOKEN: 'compose-test-metrics-token-0123',
  GRAFANA_ADMIN_PASSWORD: 'compose-test-password',
};

describe.each([
  ['docker-compose.yml', false],
  ['docker-compose.prod.yml', true],
])('%s', (file, production) => {
  const [compose] = loadYaml<Compose>(file);
  const services = Object.entries(compose.services);
  const apps = services.filter(([, service]) => isApp(service));

  it('runs the app services beside PostgreSQL and Redis, each with an image or a build', () => {
    expect(apps.map(([name]) => name)).toEqual(expect.arrayContaining(['api', 'worker']));
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis']));
    for (const [name, service] of services) {
      expect({ name, runs: Boolean(service.image ?? service.build) }).toEqual({ name, runs: true });
    }
  });

  it('depends only on services that exist, with conditions compose knows', () => {
    for (const [name, service] of services) {
      for (const [target, condition] of dependenciesOf(service)) {
        expect({ name, target, exists: target in compose.services }).toEqual({
          name,
          target,
          exists: true,
        });
        expect(DEPENDENCY_CONDITIONS).toContain(condition);
        if (condition === 'service_healthy') {
          expect(compose.services[target].healthcheck?.test).toBeDefined();
        }
      }
    }
  });

  it('declares its named volumes and mounts only existing paths', () => {
    for (const [, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.') || source.startsWith('/')) expect(existsSync(source)).toBe(true);
        else expect(Object.keys(compose.volumes ?? {})).toContain(source);
      }
    }
  });

  it('passes the app only variables of the env schema, with values it accepts', () => {
    for (const [name, service] of apps) {
      const unknown = Object.keys(service.environment ?? {}).filter(
        (key) => !ENV_VARIABLES.has(key),
      );
      expect({ name, unknown }).toEqual({ name, unknown: [] });
      const env = composeEnvironment(service as ComposeService, OPERATOR_VARS);
      expect(() => validateEnvironment(env)).not.toThrow();
      expect(env.NODE_ENV ?? 'development').toBe(production ? 'production' : 'development');
    }
  });

  if (production) {
    it('asks for every secret it sets with a required ${VAR:?...} marker, never a value', () => {
      for (const [name, service] of apps) {
        for (const [key, value] of Object.entries(service.environment ?? {})) {
          if (!SECRET_VARIABLES.has(key) || value === null) continue;
          expect({ name, key, value }).toEqual({
            name,
            key,
            value: expect.stringMatching(/\$\{[A-Z_]+:\?[^}]*\}/),
          });
        }
      }
    });

    it('gives app containers longer to stop than the app drains', () => {
      for (const [name, service] of apps) {
        const grace = seconds(service.stop_grace_period ?? '10s');
        expect({ name, grace, longerThanDrain: grace > DRAIN_SECONDS }).toEqual({
          name,
          grace,
          longerThanDrain: true,
        });
      }
    });
  }
});
