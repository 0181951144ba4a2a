import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';

const ROOT = join(__dirname, '..', '..');

// js-yaml 5 leaves merge keys (`<<: *anchor`, used by the compose file) off by default.
const YAML_OPTIONS = { schema: yaml.CORE_SCHEMA.withTags(yaml.mergeTag) };

export function loadYaml<T>(file: string): T[] {
  return yaml
    .loadAll(readFileSync(join(ROOT, file), 'utf8'), YAML_OPTIONS)
    .filter((doc) => doc !== null && doc !== undefined) as T[];
}

/** The Node flags of the production image: the Dockerfile's `NODE_OPTIONS`, quoted or not. */
export function dockerNodeOptions(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const match = /NODE_OPTIONS=(?:"([^"]*)"|(\S+))/.exec(dockerfile);
  if (!match) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return (match[1] ?? match[2]).split(/\s+/).filter(Boolean);
}

export type Env = Record<string, string>;

/**
 * Compose's variable substitution: `${NAME}`, `${NAME:-default}`, `${NAME:?message}` (an error when
 * unset, as compose stops) and `$$` for a literal `$`.
 */
export function interpolate(text: string, vars: Env): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (match === '$$') return '$';
      const value = vars[name!];
      const set = op?.startsWith(':') ? Boolean(value) : value !== undefined;
      if (set) return value;
      if (op?.endsWith('?')) throw new Error(`compose would stop: ${name}: ${arg}`);
      return op?.endsWith('-') ? arg! : '';
    },
  );
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | null>;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** A service's environment as compose passes it: bare names only when set in `vars`. */
export function composeEnvironment(service: ComposeService, vars: Env): Env {
  const env: Env = {};
  for (const [name, value] of Object.entries(service.environment ?? {})) {
    if (value === null) {
      if (vars[name] !== undefined) env[name] = vars[name];
    } else {
      env[name] = interpolate(String(value), vars);
    }
  }
  return env;
}

/** Services in the order compose starts them: dependencies first, file order between equals. */
export function startOrder(services: Record<string, ComposeService>, names: string[]): string[] {
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name) || !names.includes(name)) return;
    if (path.includes(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' -> ')}`);
    for (const dependency of Object.keys(services[name].depends_on ?? {})) {
      visit(dependency, [...path, name]);
    }
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  return ordered;
}

export interface K8sContainer {
  name: string;
  command: string[];
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name: string; containerPort: number }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
}

export interface K8sObject {
  kind: string;
  metadata: { name: string };
  data?: Env;
  stringData?: Env;
  resources?: string[];
  spec?: { template?: { spec: { containers: K8sContainer[] } } };
}

/** The manifests in kustomization.yaml's order, which is the order they are applied in. */
export function loadKustomization(dir: string): K8sObject[] {
  const [kustomization] = loadYaml<K8sObject>(join(dir, 'kustomization.yaml'));
  return (kustomization.resources ?? []).flatMap((file) => loadYaml<K8sObject>(join(dir, file)));
}

/** A container's environment: its envFrom ConfigMaps and Secrets, then its own `env`. */
export function containerEnvironment(container: K8sContainer, objects: K8sObject[]): Env {
  const find = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`${kind} ${name} is referenced but not in the kustomization`);
    return found;
  };
  const env: Env = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, find('ConfigMap', source.configMapRef.name).data);
    if (source.secretRef) Object.assign(env, find('Secret', source.secretRef.name).stringData);
  }
  for (const { name, value } of container.env ?? []) env[name] = value ?? '';
  return env;
}
