import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateEnvironment } from '../../src/config/environment';
import { dockerNodeOptions, loadYaml } from '../utils/deploy-files';
import { DRAIN_SECONDS, ENV_VARIABLES, SECRET_VARIABLES } from './app-facts';

const DIR = 'deploy/k8s';

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  command?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
}
interface Manifest {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
  resources?: string[];
  spec?: {
    selector?: { matchLabels?: Record<string, string> };
    scaleTargetRef?: { kind: string; name: string };
    template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

const [kustomization] = loadYaml<Manifest>(join(DIR, 'kustomization.yaml'));
const files = kustomization.resources ?? [];
const manifests = files.flatMap((file) => loadYaml<Manifest>(join(DIR, file)));
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const named = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} is not in ${DIR}/kustomization.yaml`);
  return found;
};
const podSpecs = () =>
  manifests.flatMap((m) => (m.spec?.template ? [{ owner: m, pod: m.spec.template.spec }] : []));
const deployment = (component: string) => {
  const found = byKind('Deployment').find(
    (m) => m.metadata.labels?.['app.kubernetes.io/component'] === component,
  );
  if (!found?.spec?.template) throw new Error(`no ${component} Deployment`);
  return { pod: found.spec.template.spec, container: found.spec.template.spec.containers[0] };
};

/** A container's environment: its ConfigMaps and Secrets, then its own `env`. */
function environmentOf(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      Object.assign(env, named('ConfigMap', source.configMapRef.name).data);
    }
    if (source.secretRef) Object.assign(env, named('Secret', source.secretRef.name).stringData);
  }
  for (const { name, value } of container.env ?? []) env[name] = value ?? '';
  return env;
}

/** What an operator puts into the Secret template: values the production rules accept. */
const FILLED_SECRETS: Record<string, string> = {
  JWT_SECRET: 'k8s-test-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz',
  DATA_ENCRYPTION_KEY: 'k8s-test-data-key-ABCDEFGHIJKLMNOPQRSTUVWXYZ-9876543210',
  DATABASE_URL: 'postgres://lms:secret@postgres:5432/lms',
  REDIS_URL: 'redis://:secret@redis:6379',
  SMTP_URL: 'smtp://user:secret@smtp.example.com:587',
  AZURE_STORAGE_CONNECTION_STRING:
    'DefaultEndpointsProtocol=https;AccountName=lms;AccountKey=a2V5;EndpointSuffix=core.windows.net',
  METRICS_TOKEN: 'k8s-test-metrics-token-0123456789',
};

function preStopSeconds(container: Container): number {
  const stop = container.lifecycle?.preStop;
  if (stop?.sleep) return stop.sleep.seconds;
  const match = /\bsleep\s+(\d+)/.exec((stop?.exec?.command ?? []).join(' '));
  return match ? Number(match[1]) : 0;
}

describe('deploy/k8s', () => {
  it('kustomization.yaml lists every manifest of the directory, and only existing files', () => {
    const onDisk = readdirSync(DIR).filter(
      (file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml',
    );
    expect([...files].sort()).toEqual(onDisk.sort());
  });

  it('every object has apiVersion, kind and a unique name, all in the one namespace', () => {
    const namespace = (kustomization as unknown as { namespace: string }).namespace;
    for (const m of manifests) {
      expect({ file: m.metadata.name, apiVersion: typeof m.apiVersion }).toEqual({
        file: m.metadata.name,
        apiVersion: 'string',
      });
      if (m.kind !== 'Namespace') expect(m.metadata.namespace).toBe(namespace);
    }
    const ids = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ConfigMaps set only variables of the env schema, and as strings', () => {
    expect(byKind('ConfigMap').length).toBeGreaterThan(0);
    for (const map of byKind('ConfigMap')) {
      expect(Object.keys(map.data ?? {}).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(map.data ?? {})) {
        expect({ key, known: ENV_VARIABLES.has(key), type: typeof value }).toEqual({
          key,
          known: true,
          type: 'string',
        });
      }
    }
  });

  it('the Secret template holds placeholders for secrets only', () => {
    for (const secret of byKind('Secret')) {
      for (const [key, value] of Object.entries(secret.stringData ?? {})) {
        expect({ key, secret: SECRET_VARIABLES.has(key), value }).toEqual({
          key,
          secret: true,
          value: 'REPLACE_ME',
        });
      }
    }
  });

  it('gives every app container an environment the production rules accept once filled in', () => {
    for (const { owner, pod } of podSpecs()) {
      for (const container of pod.containers) {
        const env = { ...environmentOf(container), ...FILLED_SECRETS };
        expect(() => validateEnvironment(env)).not.toThrow();
        expect({ owner: owner.metadata.name, NODE_ENV: env.NODE_ENV }).toEqual({
          owner: owner.metadata.name,
          NODE_ENV: 'production',
        });
      }
    }
  });

  it('probes the API on its health and readiness routes, on the container port', () => {
    const { container } = deployment('api');
    const port = container.ports?.find((p) => p.containerPort === 8000);
    expect(port).toBeDefined();
    expect(container.startupProbe?.httpGet).toEqual({ path: '/api/v1/health', port: port!.name });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/api/v1/health', port: port!.name });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/api/v1/ready', port: port!.name });
  });

  it('probes the worker on WORKER_HEALTH_PORT, which its environment sets', () => {
    const { container } = deployment('worker');
    const healthPort = Number(environmentOf(container).WORKER_HEALTH_PORT);
    expect(healthPort).toBeGreaterThan(0);
    const port = container.ports?.find((p) => p.containerPort === healthPort);
    expect(port).toBeDefined();
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect([port!.name, healthPort]).toContain(probe?.httpGet?.port);
    }
  });

  it('gives pods longer to stop than the preStop pause plus the app drain', () => {
    for (const component of ['api', 'worker']) {
      const { pod, container } = deployment(component);
      const needed = preStopSeconds(container) + DRAIN_SECONDS;
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      expect({ component, grace, longerThanNeeded: grace > needed }).toEqual({
        component,
        grace,
        longerThanNeeded: true,
      });
    }
  });

  it('sets requests and limits for cpu and memory on every container', () => {
    for (const { owner, pod } of podSpecs()) {
      for (const container of pod.containers) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        expect({ owner: owner.metadata.name, requests: Object.keys(requests).sort() }).toEqual({
          owner: owner.metadata.name,
          requests: ['cpu', 'memory'],
        });
        expect(Object.keys(limits)).toContain('memory');
      }
    }
  });

  it("starts the API and the worker with the image's Node flags (heap limits under the memory limit)", () => {
    const flags = dockerNodeOptions();
    expect(flags).toEqual(
      expect.arrayContaining([expect.stringMatching(/^--max-old-space-size=/)]),
    );
    for (const [component, entry] of [
      ['api', 'dist/main'],
      ['worker', 'dist/worker'],
    ]) {
      expect(deployment(component).container.command).toEqual(['node', ...flags, entry]);
    }
  });

  it('runs every container as non-root, read-only, without privilege escalation or capabilities', () => {
    for (const { owner, pod } of podSpecs()) {
      expect({
        owner: owner.metadata.name,
        runAsNonRoot: pod.securityContext?.runAsNonRoot,
      }).toEqual({ owner: owner.metadata.name, runAsNonRoot: true });
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('points the HPA and the PDB at the API Deployment', () => {
    const api = byKind('Deployment').find(
      (m) => m.metadata.labels?.['app.kubernetes.io/component'] === 'api',
    )!;
    const [hpa] = byKind('HorizontalPodAutoscaler');
    expect(hpa.spec?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: api.metadata.name });
    const [pdb] = byKind('PodDisruptionBudget');
    expect(api.spec?.template?.metadata?.labels).toMatchObject(
      pdb.spec?.selector?.matchLabels ?? {},
    );
    expect(pdb.spec?.selector?.matchLabels).toBeDefined();
  });
});
