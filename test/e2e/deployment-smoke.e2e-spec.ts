import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Azurite, startAzurite } from '../utils/azurite';
import {
  ComposeFile,
  composeEnvironment,
  containerEnvironment,
  Env,
  K8sContainer,
  loadKustomization,
  loadYaml,
  startOrder,
} from '../utils/deploy-files';
import { pollUntil } from '../utils/poll';
import { freePort, NodeProcess, runCommandLine } from '../utils/processes';
import {
  createEmptyDatabase,
  dropTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from '../utils/test-database';

const MIGRATE_DEADLINE_MS = 60_000;
const READY_DEADLINE_MS = 60_000;
jest.setTimeout(4 * READY_DEADLINE_MS);

/** Secrets and settings an operator provides, as test values. */
const OPERATOR_VARS: Env = {
  POSTGRES_PASSWORD: 'pg-test-password',
  REDIS_PASSWORD: 'redis-test-password',
  JWT_SECRET: randomBytes(32).toString('hex'),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  METRICS_TOKEN: randomBytes(16).toString('hex'),
  SMTP_URL: 'smtp://127.0.0.1:2525',
  APP_PUBLIC_URL: 'https://lms.test',
  GRAFANA_ADMIN_PASSWORD: 'grafana-test-password',
};

interface Running {
  name: string;
  process: NodeProcess;
}

/** Runs the services of a deployment file as its orchestrator would, on this machine. */
class Deployment {
  readonly running: Running[] = [];

  async runToCompletion(name: string, argv: string[], env: Env): Promise<NodeProcess> {
    const started = Date.now();
    const job = runCommandLine(argv, env);
    await pollUntil(() => job.child.exitCode !== null || job.child.signalCode !== null, {
      timeoutMs: MIGRATE_DEADLINE_MS,
      intervalMs: 100,
      what: `${name} (${argv.join(' ')}) to exit:\n${job.output()}`,
    });
    expect({ name, code: job.child.exitCode, output: job.output() }).toMatchObject({ code: 0 });
    expect(Date.now() - started).toBeLessThan(MIGRATE_DEADLINE_MS);
    return job;
  }

  async runUntilReady(name: string, argv: string[], env: Env, readyUrl: string): Promise<void> {
    const service = runCommandLine(argv, env);
    this.running.push({ name, process: service });
    await pollUntil(
      async () => {
        if (service.child.exitCode !== null) {
          throw new Error(`${name} exited with ${service.child.exitCode}:\n${service.output()}`);
        }
        const res = await fetch(readyUrl).catch(() => null);
        return res?.status === 200;
      },
      { timeoutMs: READY_DEADLINE_MS, intervalMs: 200, what: `${name} at ${readyUrl}` },
    );
  }

  async stop(): Promise<void> {
    for (const { process: service } of this.running.reverse()) {
      if (service.child.exitCode !== null || service.child.signalCode !== null) continue;
      service.child.kill('SIGTERM');
      await service.exited;
    }
  }
}

/** What stays local in every run: a fresh empty database, Redis, ports, a data folder. */
async function localEnvironment(): Promise<{ env: Env; cleanup: () => Promise<void> }> {
  const redis = testRedisUrl();
  if (!redis) throw new Error('the deployment smoke test needs Redis on 127.0.0.1:6379');
  const database = await createEmptyDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-deploy-'));
  return {
    env: {
      DATABASE_URL: database,
      REDIS_URL: redis,
      REDIS_PREFIX: uniqueRedisPrefix(),
      DATA_DIR: dataDir,
      ARGON2_MEMORY_COST: '1024',
      ARGON2_TIME_COST: '1',
    },
    cleanup: async () => {
      await dropTestDatabase(database);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('docker-compose.prod.yml, run without Docker', () => {
  const compose = loadYaml<ComposeFile>('docker-compose.prod.yml')[0];
  const deployment = new Deployment();
  let local: Awaited<ReturnType<typeof localEnvironment>>;

  beforeAll(async () => {
    local = await localEnvironment();
  });
  afterAll(async () => {
    await deployment.stop();
    await local?.cleanup();
  });

  it('migrates an empty database, then the API becomes ready and the worker answers its health port', async () => {
    const appServices = Object.keys(compose.services).filter((n) => compose.services[n].build);
    const order = startOrder(compose.services, appServices);
    expect(order).toEqual(['migrate', 'api', 'worker']);

    for (const name of order) {
      const service = compose.services[name];
      const fromFile = composeEnvironment(service, OPERATOR_VARS);
      // Pointed at this machine's PostgreSQL and Redis instead of the compose network's.
      expect(fromFile.DATABASE_URL).toContain('@postgres:5432/lms');
      expect(fromFile.REDIS_URL).toContain('@redis:6379');
      const port = String(await freePort());
      const healthPort = String(await freePort());
      const env: Env = { ...fromFile, ...local.env, PORT: port };
      if (fromFile.WORKER_HEALTH_PORT) env.WORKER_HEALTH_PORT = healthPort;
      const argv = service.command!;
      const dependents = Object.values(compose.services).filter(
        (s) => s.depends_on?.[name]?.condition === 'service_completed_successfully',
      );
      if (dependents.length > 0) {
        await deployment.runToCompletion(name, argv, env);
        continue;
      }
      const ready = fromFile.WORKER_HEALTH_PORT
        ? `http://127.0.0.1:${healthPort}/ready`
        : `http://127.0.0.1:${port}/api/v1/ready`;
      await deployment.runUntilReady(name, argv, env, ready);
      // The container's own healthcheck command, aimed at the port this run uses.
      const check = service
        .healthcheck!.test!.slice(1)
        .map((part) =>
          part.replace(/127\.0\.0\.1:800[01]/, `127.0.0.1:${env.WORKER_HEALTH_PORT ?? port}`),
        );
      await deployment.runToCompletion(`${name} healthcheck`, check, {});
    }
    expect(deployment.running.map((r) => r.name)).toEqual(['api', 'worker']);
  });
});

describe('deploy/k8s manifests, run without a cluster', () => {
  const objects = loadKustomization('deploy/k8s');
  const containers = (kind: string) =>
    objects
      .filter((o) => o.kind === kind)
      .map((o) => ({ name: o.metadata.name, container: o.spec!.template!.spec.containers[0] }));
  const deployment = new Deployment();
  let local: Awaited<ReturnType<typeof localEnvironment>>;
  let azurite: Azurite;

  beforeAll(async () => {
    [local, azurite] = await Promise.all([localEnvironment(), startAzurite()]);
  });
  afterAll(async () => {
    await deployment.stop();
    await azurite?.stop();
    await local?.cleanup();
  });

  /** The Secret template filled in by the operator (test values), the rest from the files. */
  function filledIn(container: K8sContainer): Env {
    const env = containerEnvironment(container, objects);
    return {
      ...env,
      JWT_SECRET: OPERATOR_VARS.JWT_SECRET,
      DATA_ENCRYPTION_KEY: OPERATOR_VARS.DATA_ENCRYPTION_KEY,
      SMTP_URL: OPERATOR_VARS.SMTP_URL,
      METRICS_TOKEN: randomBytes(16).toString('hex'),
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      ...local.env,
    };
  }

  it('refuses the Secret template as it is, naming every REPLACE_ME variable', async () => {
    const [job] = containers('Job');
    const env = { ...containerEnvironment(job.container, objects), DATA_DIR: local.env.DATA_DIR };
    const run = runCommandLine(job.container.command, env);
    expect(await run.exited).toBe(1);
    const secret = objects.find((o) => o.kind === 'Secret')!;
    for (const name of Object.keys(secret.stringData!)) {
      expect(run.output()).toContain(`${name}:`);
    }
  });

  it('runs the migration Job to completion, then the API and the worker become ready', async () => {
    const [job] = containers('Job');
    await deployment.runToCompletion(job.name, job.container.command, filledIn(job.container));

    for (const { name, container } of containers('Deployment')) {
      const env = filledIn(container);
      const probe = container.readinessProbe!.httpGet!;
      const probePort = container.ports!.find((p) => p.name === probe.port)!.containerPort;
      const port = String(await freePort());
      // The probe's port is the container's PORT (API) or WORKER_HEALTH_PORT (worker).
      const portVariable =
        env.WORKER_HEALTH_PORT === String(probePort) ? 'WORKER_HEALTH_PORT' : 'PORT';
      expect(env[portVariable]).toBe(String(probePort));
      env[portVariable] = port;
      if (portVariable === 'WORKER_HEALTH_PORT') env.PORT = String(await freePort());
      await deployment.runUntilReady(
        name,
        container.command,
        env,
        `http://127.0.0.1:${port}${probe.path}`,
      );
    }
    expect(deployment.running.map((r) => r.name)).toEqual(['lms-api', 'lms-worker']);
  });
});
