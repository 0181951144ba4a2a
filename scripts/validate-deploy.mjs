#!/usr/bin/env node
// Validates the deployment files without Docker or a cluster: `node scripts/validate-deploy.mjs`.
//
// - Dockerfile: multi-stage, runtime stage on a slim Node 20 image, non-root USER, EXPOSE 8000,
//   HEALTHCHECK on /api/v1/health, node_modules from an `--omit=dev` install, .dockerignore.
// - docker-compose.yml and docker-compose.prod.yml: parsed with js-yaml; services, depends_on,
//   healthchecks, volumes, the app's environment (names known to src/config/environment.ts, values
//   the app accepts), production settings and secrets as required `${VAR:?...}` markers.
// - deploy/**/*.y{a,}ml parse; Kubernetes manifests in deploy/k8s checked structurally and against
//   each other (probes, ports, grace periods, HPA target, ConfigMap/Secret references, kustomization).
// - deploy/prometheus and deploy/grafana: scrape targets match compose, the dashboard JSON parses and
//   every metric its PromQL uses is one the app registers (or a prom-client default).
//
// Prints one line per check and exits 1 when any fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rel = (file) => relative(ROOT, file) || '.';
const read = (file) => readFileSync(join(ROOT, file), 'utf8');

// ---------------------------------------------------------------------------------------------
// Reporting

let passed = 0;
let failed = 0;

function section(title) {
  console.log(`\n== ${title}`);
}

/** Runs `fn`, which returns a list of problems (or throws); prints ok or FAIL with each problem. */
function check(name, fn) {
  let problems;
  try {
    problems = fn() ?? [];
  } catch (error) {
    problems = [error instanceof Error ? error.message : String(error)];
  }
  if (problems.length === 0) {
    passed += 1;
    console.log(`ok    ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${name}`);
    for (const problem of problems) console.log(`        - ${problem}`);
  }
  return problems.length === 0;
}

function info(text) {
  console.log(`info  ${text}`);
}

// ---------------------------------------------------------------------------------------------
// YAML: js-yaml 5 leaves merge keys (`<<: *anchor`, used by compose files) off by default, js-yaml 4
// has them on; enable them when the installed version needs it.

const YAML_OPTIONS =
  yaml.CORE_SCHEMA && typeof yaml.CORE_SCHEMA.withTags === 'function' && yaml.mergeTag
    ? { schema: yaml.CORE_SCHEMA.withTags(yaml.mergeTag) }
    : undefined;

function loadYamlDocs(file) {
  return yaml.loadAll(read(file), YAML_OPTIONS).filter((doc) => doc !== null && doc !== undefined);
}

function loadYaml(file) {
  const docs = loadYamlDocs(file);
  if (docs.length !== 1)
    throw new Error(`${file}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

function walk(dir, predicate, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, predicate, out);
    else if (predicate(full)) out.push(full);
  }
  return out;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const asArray = (v) => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

// ---------------------------------------------------------------------------------------------
// What the app knows: environment variables, secrets and metric names, read from the sources.

/** `EnvironmentVariables` properties of src/config/environment.ts, with whether '' is accepted. */
function readEnvironmentVariables() {
  const source = read('src/config/environment.ts');
  const start = source.indexOf('export class EnvironmentVariables');
  if (start < 0) throw new Error('src/config/environment.ts: class EnvironmentVariables not found');
  const end = source.indexOf('\n}', start);
  const body = source
    .slice(source.indexOf('{', start) + 1, end)
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, ' ');
  // Decorator arguments hold strings and regexes; blank them so only property names look like
  // `NAME?:`. Property names are UPPER_SNAKE_CASE, followed by `?:`, `!:` or `:`.
  const blanked = body.replace(
    /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\/(?:[^/\\\n]|\\.)+\//g,
    "''",
  );
  const vars = new Map();
  const propertyPattern = /\b([A-Z][A-Z0-9_]*)[?!]?\s*:/g;
  let previousEnd = 0;
  for (const match of blanked.matchAll(propertyPattern)) {
    const decorators = blanked.slice(previousEnd, match.index);
    previousEnd = match.index + match[0].length;
    // '' reaches the validators unless a transform turns it into undefined; plain @IsString
    // accepts it, MinLength/Matches/IsIn/IsUrl/IsEmail reject it.
    const transformed = /Transform\((emptyToUndefined|toInt|toBool)\)/.test(decorators);
    const strict = /@(MinLength|Matches|IsIn|IsUrl|IsEmail|IsInt|IsBoolean)\b/.test(decorators);
    vars.set(match[1], { emptyAccepted: transformed || !strict });
  }
  return vars;
}

/** The keys Vault may supply (src/config/vault-secrets.ts VAULT_SECRET_KEYS): the secrets. */
function readSecretKeys() {
  const source = read('src/config/vault-secrets.ts');
  const list = /VAULT_SECRET_KEYS[^=]*=\s*Object\.freeze\(\s*\[([\s\S]*?)\]/.exec(source);
  if (!list) throw new Error('src/config/vault-secrets.ts: VAULT_SECRET_KEYS not found');
  return new Set([...list[1].matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]));
}

/**
 * Metric names registered in src: `make{Counter,Gauge,Histogram,Summary}Provider({ name })` and
 * `new {Counter,Gauge,Histogram,Summary}({ name })`, with `name` a literal or a string constant
 * (`export const X_METRIC = 'x_total'`) declared anywhere in src.
 */
function readMetricNames() {
  const files = walk(join(ROOT, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  const sources = files.map((f) => ({ file: rel(f), text: readFileSync(f, 'utf8') }));
  const constants = new Map();
  for (const { text } of sources) {
    for (const m of text.matchAll(
      /\bconst\s+([A-Z][A-Z0-9_]*)\s*=\s*['"]([a-zA-Z_:][\w:]*)['"]/g,
    )) {
      constants.set(m[1], m[2]);
    }
  }
  const metrics = new Map();
  const unresolved = [];
  const registration =
    /\b(?:make(Counter|Gauge|Histogram|Summary)Provider|new\s+(Counter|Gauge|Histogram|Summary))\s*(?:<[^>(]*>)?\(\s*\{[^}]*?\bname:\s*(?:['"]([^'"]+)['"]|([A-Za-z_][\w]*))/g;
  let defaults = false;
  for (const { file, text } of sources) {
    if (/\bcollectDefaultMetrics\s*\(/.test(text)) defaults = true;
    for (const m of text.matchAll(registration)) {
      const type = (m[1] ?? m[2]).toLowerCase();
      const name = m[3] ?? constants.get(m[4]);
      if (!name) unresolved.push(`${file}: metric name ${m[4]} is not a string constant`);
      else metrics.set(name, { type, file });
    }
  }
  return { metrics, defaults, unresolved };
}

/**
 * How long the app may drain after SIGTERM before it exits on its own: `DRAIN_TIMEOUT_MS` in src
 * (the graceful-shutdown helper). Without one, the per-statement timeout is the longest a request
 * normally runs.
 */
function readDrainSeconds() {
  const files = walk(join(ROOT, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  for (const file of files) {
    const m = /\bDRAIN_TIMEOUT_MS\s*=\s*([\d_]+)/.exec(readFileSync(file, 'utf8'));
    if (m)
      return {
        seconds: Math.ceil(Number(m[1].replace(/_/g, '')) / 1000),
        source: `DRAIN_TIMEOUT_MS in ${rel(file)}`,
      };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// PromQL: metric names used by an expression (no parser: strip strings, label matchers, ranges,
// Grafana variables and label lists, then take identifiers that are not function calls/keywords).

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

function promqlMetricNames(expr) {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set();
  for (const m of stripped.matchAll(/(?<![\w.:])[A-Za-z_:][\w:]*/g)) {
    const after = stripped.slice(m.index + m[0].length);
    if (/^\s*\(/.test(after)) continue;
    if (PROMQL_KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

function knownMetric(name, app) {
  if (app.metrics.has(name)) return true;
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (suffix && ['histogram', 'summary'].includes(app.metrics.get(suffix[1])?.type)) {
    return suffix[2] !== 'bucket' || app.metrics.get(suffix[1]).type === 'histogram';
  }
  return app.defaults && /^(process|nodejs)_/.test(name);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers for compose and Kubernetes.

/** Seconds a preStop hook sleeps: `exec: sleep N` (also via sh -c) or the native `sleep` action. */
function preStopSeconds(container) {
  const preStop = container?.lifecycle?.preStop;
  if (!preStop) return undefined;
  if (preStop.sleep && Number.isFinite(Number(preStop.sleep.seconds))) {
    return Number(preStop.sleep.seconds);
  }
  const command = asArray(preStop.exec?.command).join(' ');
  const sleep = /\bsleep\s+(\d+)/.exec(command);
  return sleep ? Number(sleep[1]) : undefined;
}

const commandText = (command) => asArray(command).map(String).join(' ');

/** Set in main(): the app's drain budget after SIGTERM, from the sources. */
let DRAIN;
/** Drain seconds to plan for: the app's own cap, else the statement timeout a request may run. */
const drainSeconds = (env = {}) =>
  DRAIN?.seconds ?? Math.ceil(Number(env.DB_STATEMENT_TIMEOUT_MS ?? 30000) / 1000);
const drainLabel = () => DRAIN?.source ?? 'DB_STATEMENT_TIMEOUT_MS';

/** Compose durations: `45s`, `1m30s`, `2m`. */
function durationSeconds(text) {
  const parts = [...String(text).matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms|us)/g)];
  const unit = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 };
  return parts.length ? parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

function parseDockerfile(text) {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args = new Map();
  const stages = [];
  for (const line of lines) {
    const [, instruction, rest = ''] = /^(\S+)\s*(.*)$/.exec(line);
    const op = instruction.toUpperCase();
    if (op === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      args.set(name.trim(), value.trim());
    } else if (op === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest);
      const image = m[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? '');
      stages.push({ image, name: m[2], instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1).instructions.push({ op, rest });
    }
  }
  return stages;
}

function checkDockerfile() {
  section('Dockerfile');
  const stages = parseDockerfile(read('Dockerfile'));
  const byName = new Map(stages.filter((s) => s.name).map((s) => [s.name, s]));
  const runtime = stages.at(-1);
  const ops = (stage, op) => stage.instructions.filter((i) => i.op === op);
  // A stage's own instructions plus its parent stages' (FROM <stage>).
  const lineage = (stage) => {
    const chain = [];
    for (let s = stage; s; s = byName.get(s.image)) chain.push(s);
    return chain;
  };
  const runs = (stage) => lineage(stage).flatMap((s) => ops(s, 'RUN').map((i) => i.rest));

  check(`multi-stage build (${stages.map((s) => s.name ?? s.image).join(' -> ')})`, () =>
    stages.length >= 2 ? [] : ['expected a build stage and a runtime stage'],
  );
  check(`runtime stage on a slim Node 20 image (${runtime.image})`, () =>
    /^node:20(\.\d+)*(-[\w.]+)?-slim(@sha256:[a-f0-9]+)?$|^node:20(\.\d+)*-bookworm-slim/.test(
      runtime.image,
    )
      ? []
      : [`FROM ${runtime.image} is not node:20*-slim`],
  );
  check('a build stage compiles TypeScript (npm run build) with dev dependencies', () => {
    const build = stages.find((s) => ops(s, 'RUN').some((i) => /npm run build\b/.test(i.rest)));
    if (!build) return ['no stage runs `npm run build`'];
    const ci = runs(build).find((r) => /npm ci\b/.test(r));
    return ci && !/--omit[= ]dev/.test(ci) ? [] : ['the build stage must install dev dependencies'];
  });
  check('runtime node_modules come from an `npm ci --omit=dev` install', () => {
    const problems = [];
    const copies = ops(runtime, 'COPY').filter((i) => /node_modules/.test(i.rest));
    const omitInRuntime = ops(runtime, 'RUN').some((i) => /npm ci\b.*--omit[= ]dev/.test(i.rest));
    if (copies.length === 0 && !omitInRuntime) problems.push('runtime stage gets no node_modules');
    for (const copy of copies) {
      const from = /--from=(\S+)/.exec(copy.rest)?.[1];
      const stage = from && byName.get(from);
      if (!stage) problems.push(`COPY ${copy.rest}: node_modules not copied from a named stage`);
      else if (!runs(stage).some((r) => /npm ci\b.*--omit[= ]dev/.test(r))) {
        problems.push(`stage ${from} does not install with --omit=dev`);
      } else if (runs(stage).some((r) => /npm ci\b/.test(r) && !/--omit[= ]dev/.test(r))) {
        problems.push(`stage ${from} also runs an npm ci with dev dependencies`);
      }
    }
    if (
      ops(runtime, 'RUN').some(
        (i) => /npm (ci|install)\b/.test(i.rest) && !/-g\b|--omit/.test(i.rest),
      )
    ) {
      problems.push('runtime stage runs an install with dev dependencies');
    }
    return problems;
  });
  check('runtime stage copies dist/ from the build stage', () =>
    ops(runtime, 'COPY').some((i) => /--from=\S+\s+\S*dist\b/.test(i.rest))
      ? []
      : ['no COPY --from=<build> .../dist'],
  );
  check('runtime stage runs as a non-root USER', () => {
    const user = ops(runtime, 'USER').at(-1)?.rest.split(':')[0];
    if (!user) return ['no USER in the runtime stage (runs as root)'];
    return ['root', '0'].includes(user) ? [`USER ${user} is root`] : [];
  });
  check('runtime stage EXPOSE 8000', () =>
    ops(runtime, 'EXPOSE').some((i) => i.rest.split(/\s+/).some((p) => p.split('/')[0] === '8000'))
      ? []
      : ['no EXPOSE 8000'],
  );
  check('runtime stage HEALTHCHECK on /api/v1/health', () =>
    ops(runtime, 'HEALTHCHECK').some((i) => i.rest.includes('/api/v1/health'))
      ? []
      : ['no HEALTHCHECK calling /api/v1/health'],
  );
  check('default command is the API (node dist/main)', () => {
    const cmd = ops(runtime, 'CMD').at(-1)?.rest ?? '';
    return /node["',\s]+dist\/main/.test(cmd) ? [] : [`CMD is ${cmd || 'missing'}`];
  });
  check('.dockerignore keeps node_modules, dist, data, .git and .env out of the context', () => {
    if (!existsSync(join(ROOT, '.dockerignore'))) return ['.dockerignore is missing'];
    const entries = new Set(
      read('.dockerignore')
        .split(/\r?\n/)
        .map((l) => l.trim().replace(/^\/|\/$/g, ''))
        .filter((l) => l && !l.startsWith('#')),
    );
    return ['node_modules', 'dist', 'data', '.git', '.env']
      .filter((e) => !entries.has(e))
      .map((e) => `${e} is not ignored`);
  });
}

// ---------------------------------------------------------------------------------------------
// Compose

const APP_COMMAND = /\bnode\b.*\bdist\/(main|worker|cli)\b|\bnpm run\b/;

/** Services running the app image: built from this repository or using its image. */
function isAppService(service) {
  return Boolean(service.build) || /lms/.test(String(service.image ?? ''));
}

/** environment as a map; the list form `KEY=value` / `KEY` is normalised. */
function environmentOf(service) {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const [key, ...value] = String(entry).split('=');
        return [key, value.length ? value.join('=') : null];
      }),
    );
  }
  return isObject(env) ? env : {};
}

function dependsOnOf(service) {
  const deps = service.depends_on;
  if (Array.isArray(deps))
    return Object.fromEntries(deps.map((d) => [d, { condition: 'service_started' }]));
  return isObject(deps) ? deps : {};
}

const hasHealthcheck = (service) =>
  isObject(service.healthcheck) && !service.healthcheck.disable && service.healthcheck.test;

/** A value that is only a compose interpolation, e.g. `${JWT_SECRET:?set it}`. */
const interpolated = (value) => typeof value === 'string' && /\$\{[A-Za-z_]\w*[^}]*\}/.test(value);
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|_KEY|CONNECTION_STRING|DSN)$/;

function checkComposeFile(file, env, secrets, { production }) {
  section(file);
  let doc;
  if (!check(`${file} parses`, () => void (doc = loadYaml(file)))) return undefined;
  const services = isObject(doc.services) ? doc.services : {};
  const names = Object.keys(services);
  const apps = names.filter((n) => isAppService(services[n]));

  check(`services defined (${names.join(', ')})`, () => (names.length ? [] : ['no services']));
  check('every service has an image or a build', () =>
    names.filter((n) => !services[n].image && !services[n].build).map((n) => `${n}: neither`),
  );
  check('depends_on targets exist, conditions are valid and satisfiable', () => {
    const problems = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [target, spec] of Object.entries(dependsOnOf(service))) {
        const dep = services[target];
        const condition = spec?.condition ?? 'service_started';
        if (!dep) problems.push(`${name} -> ${target}: no such service`);
        else if (
          !['service_started', 'service_healthy', 'service_completed_successfully'].includes(
            condition,
          )
        ) {
          problems.push(`${name} -> ${target}: unknown condition ${condition}`);
        } else if (condition === 'service_healthy' && !hasHealthcheck(dep)) {
          problems.push(`${name} -> ${target}: service_healthy, but ${target} has no healthcheck`);
        } else if (
          condition === 'service_completed_successfully' &&
          ['always', 'unless-stopped'].includes(String(dep.restart))
        ) {
          problems.push(
            `${name} -> ${target}: one-shot ${target} must not restart (${dep.restart})`,
          );
        }
      }
    }
    return problems;
  });
  check('postgres and redis have healthchecks', () => {
    const problems = [];
    for (const kind of ['postgres', 'redis']) {
      const found = names.filter((n) => String(services[n].image ?? '').startsWith(`${kind}:`));
      if (found.length === 0) problems.push(`no ${kind} service`);
      for (const n of found)
        if (!hasHealthcheck(services[n])) problems.push(`${n}: no healthcheck`);
    }
    return problems;
  });
  check('PostgreSQL 16 and Redis 7 images', () => {
    const problems = [];
    for (const [kind, major] of [
      ['postgres', '16'],
      ['redis', '7'],
    ]) {
      for (const n of names) {
        const image = String(services[n].image ?? '');
        if (image.startsWith(`${kind}:`) && !image.startsWith(`${kind}:${major}`)) {
          problems.push(`${n}: ${image} (expected ${kind}:${major})`);
        }
      }
    }
    return problems;
  });
  check('named volumes are declared, bind-mount sources exist', () => {
    const problems = [];
    const declared = new Set(Object.keys(doc.volumes ?? {}));
    for (const [name, service] of Object.entries(services)) {
      for (const volume of asArray(service.volumes)) {
        const source = isObject(volume) ? volume.source : String(volume).split(':')[0];
        if (!source || (isObject(volume) && volume.type === 'tmpfs')) continue;
        if (source.startsWith('.') || source.startsWith('/')) {
          if (source.startsWith('.') && !existsSync(join(ROOT, source))) {
            problems.push(`${name}: bind source ${source} does not exist`);
          }
        } else if (!declared.has(source)) {
          problems.push(`${name}: volume ${source} not declared under volumes:`);
        }
      }
    }
    return problems;
  });
  check(`app services (${apps.join(', ')}) use only variables the app knows`, () => {
    const problems = [];
    for (const n of apps) {
      for (const key of Object.keys(environmentOf(services[n]))) {
        if (!env.has(key)) problems.push(`${n}: ${key} is not in EnvironmentVariables`);
      }
    }
    return problems;
  });
  check('app environment values are strings the app accepts', () => {
    const problems = [];
    for (const n of apps) {
      for (const [key, value] of Object.entries(environmentOf(services[n]))) {
        if (typeof value === 'boolean') problems.push(`${n}: ${key} is a YAML boolean; quote it`);
        else if (value !== null && typeof value === 'object')
          problems.push(`${n}: ${key} is not a scalar`);
        const emptyDefault = typeof value === 'string' && /^\$\{\w+:?-\}$/.test(value.trim());
        if ((value === '' || emptyDefault) && env.get(key)?.emptyAccepted === false) {
          problems.push(
            `${n}: ${key} can be '', which the app rejects; pass it through bare (\`${key}:\`)`,
          );
        }
      }
    }
    return problems;
  });
  check('at most one app service applies migrations at start-up', () => {
    const migrating = apps.filter((n) => {
      const e = environmentOf(services[n]);
      if (!APP_COMMAND.test(commandText(services[n].command)) && services[n].command) return false;
      if (/\bcli\b.*migration:/.test(commandText(services[n].command))) return false;
      const flag = e.DB_MIGRATE_ON_START;
      if (flag !== undefined && flag !== null) return /^(true|1|yes|on)$/i.test(String(flag));
      return e.NODE_ENV !== 'production';
    });
    return migrating.length <= 1 ? [] : [`${migrating.join(', ')} would migrate concurrently`];
  });

  if (!production) {
    check('development services: api, worker, postgres, redis, a mail catcher', () => {
      const problems = ['api', 'worker'].filter((n) => !services[n]).map((n) => `no ${n}`);
      if (!names.some((n) => /mailpit|mailhog|maildev/.test(String(services[n].image ?? '')))) {
        problems.push('no mail catcher');
      }
      if (services.api && !/start:dev|--watch/.test(commandText(services.api.command))) {
        problems.push('api does not run with reload (npm run start:dev)');
      }
      return problems;
    });
    return { doc, services };
  }

  check(
    'production app settings: NODE_ENV=production, JOBS_INLINE=false, no migrate on start',
    () => {
      const problems = [];
      for (const n of apps) {
        const e = environmentOf(services[n]);
        if (e.NODE_ENV !== 'production') problems.push(`${n}: NODE_ENV is ${e.NODE_ENV}`);
        if (String(e.JOBS_INLINE) !== 'false')
          problems.push(`${n}: JOBS_INLINE is ${e.JOBS_INLINE}`);
        if (/^(true|1|yes|on)$/i.test(String(e.DB_MIGRATE_ON_START))) {
          problems.push(`${n}: DB_MIGRATE_ON_START is true (use the migrate service)`);
        }
      }
      return problems;
    },
  );
  check(
    'secrets come from the environment (`${VAR:?...}` or pass-through), none written here',
    () => {
      const problems = [];
      for (const [n, service] of Object.entries(services)) {
        const app = apps.includes(n);
        for (const [key, value] of Object.entries(environmentOf(service))) {
          if (value === null || value === undefined) continue;
          const secret = (app && secrets.has(key)) || SECRET_NAME.test(key);
          if (secret && !interpolated(String(value)))
            problems.push(`${n}: ${key} has a literal value`);
          if (/:\/\/[^/:@\s]+:([^@\s]+)@/.test(String(value))) {
            const password = /:\/\/[^/:@\s]*:([^@\s]+)@/.exec(String(value))[1];
            if (!interpolated(password)) problems.push(`${n}: ${key} embeds a literal password`);
          }
        }
      }
      for (const n of apps) {
        const e = environmentOf(services[n]);
        for (const key of ['JWT_SECRET', 'DATA_ENCRYPTION_KEY']) {
          if (!new RegExp(`^\\$\\{${key}:\\?[^}]*\\}$`).test(String(e[key] ?? ''))) {
            problems.push(`${n}: ${key} must be \${${key}:?...} (required)`);
          }
        }
      }
      return problems;
    },
  );
  check('app services get longer than the app drain to stop (stop_grace_period)', () =>
    apps
      .filter((n) => !/migration:/.test(commandText(services[n].command)))
      .filter(
        (n) =>
          !(
            (durationSeconds(services[n].stop_grace_period ?? '10s') ?? 10) >
            drainSeconds(environmentOf(services[n]))
          ),
      )
      .map(
        (n) =>
          `${n}: stop_grace_period ${services[n].stop_grace_period ?? '10s (default)'} <= drain ${drainSeconds(environmentOf(services[n]))} s (${drainLabel()})`,
      ),
  );
  check('migrate service: one-shot `node dist/cli migration:run`', () => {
    const migrate = services.migrate;
    if (!migrate) return ['no migrate service'];
    const problems = [];
    if (!/\bnode\s+dist\/cli\s+migration:run\b/.test(commandText(migrate.command))) {
      problems.push(`command is ${commandText(migrate.command)}`);
    }
    if (String(migrate.restart ?? 'no') !== 'no') problems.push(`restart is ${migrate.restart}`);
    return problems;
  });
  check('api and worker start after migrate (service_completed_successfully)', () =>
    ['api', 'worker']
      .filter(
        (n) =>
          dependsOnOf(services[n] ?? {}).migrate?.condition !== 'service_completed_successfully',
      )
      .map((n) => `${n} does not wait for migrate to complete`),
  );
  check('api: node dist/main on container port 8000, healthcheck on /api/v1/health', () => {
    const api = services.api;
    if (!api) return ['no api service'];
    const problems = [];
    if (api.command && !/\bnode\s+dist\/main\b/.test(commandText(api.command))) {
      problems.push(`command is ${commandText(api.command)}`);
    }
    if (!asArray(api.ports).some((p) => /(^|:)8000$/.test(String(isObject(p) ? p.target : p)))) {
      problems.push('container port 8000 not published');
    }
    if (api.healthcheck && !commandText(api.healthcheck.test).includes('/api/v1/health')) {
      problems.push('healthcheck does not call /api/v1/health');
    }
    return problems;
  });
  let workerPort;
  check('worker: node dist/worker with WORKER_HEALTH_PORT and a healthcheck on it', () => {
    const worker = services.worker;
    if (!worker) return ['no worker service'];
    const problems = [];
    if (!/\bnode\s+dist\/worker\b/.test(commandText(worker.command))) {
      problems.push(`command is ${commandText(worker.command)}`);
    }
    workerPort = environmentOf(worker).WORKER_HEALTH_PORT;
    if (!workerPort) problems.push('WORKER_HEALTH_PORT is not set');
    else if (!commandText(worker.healthcheck?.test).includes(`:${workerPort}/health`)) {
      problems.push(`healthcheck does not call :${workerPort}/health`);
    }
    return problems;
  });
  check('prometheus and grafana services with their deploy/ configuration mounted', () => {
    const problems = [];
    const mounts = (n) =>
      asArray(services[n]?.volumes).map((v) => String(isObject(v) ? v.source : v));
    if (!services.prometheus) problems.push('no prometheus service');
    else if (
      !mounts('prometheus').some((m) => m.startsWith('./deploy/prometheus/prometheus.yml'))
    ) {
      problems.push('prometheus does not mount deploy/prometheus/prometheus.yml');
    }
    if (!services.grafana) problems.push('no grafana service');
    else {
      for (const dir of ['./deploy/grafana/provisioning', './deploy/grafana/dashboards']) {
        if (!mounts('grafana').some((m) => m.startsWith(dir)))
          problems.push(`grafana does not mount ${dir}`);
      }
    }
    return problems;
  });
  return { doc, services, workerPort };
}

// ---------------------------------------------------------------------------------------------
// Prometheus and Grafana

function checkMonitoring(prod, app) {
  section('deploy/prometheus, deploy/grafana');
  const services = prod?.services ?? {};
  let prom;
  check(
    'deploy/prometheus/prometheus.yml parses',
    () => void (prom = loadYaml('deploy/prometheus/prometheus.yml')),
  );
  if (prom) {
    const jobs = asArray(prom.scrape_configs);
    const targetsOf = (job) => [
      ...asArray(job.static_configs).flatMap((s) => asArray(s.targets).map(String)),
      ...asArray(job.dns_sd_configs).flatMap((d) => asArray(d.names).map((n) => `${n}:${d.port}`)),
    ];
    const jobFor = (host, port) =>
      jobs.find((j) => targetsOf(j).some((t) => t === `${host}:${port}`));
    check('scrapes the API /metrics on port 8000 with the METRICS_TOKEN bearer', () => {
      const job = jobFor('api', 8000);
      if (!job) return ['no scrape job for api:8000'];
      const problems = [];
      if ((job.metrics_path ?? '/metrics') !== '/metrics')
        problems.push(`metrics_path ${job.metrics_path}`);
      const auth = job.authorization;
      if (
        !auth ||
        (auth.type ?? 'Bearer') !== 'Bearer' ||
        !(auth.credentials_file || auth.credentials)
      ) {
        problems.push('no Bearer authorization');
      } else if (auth.credentials)
        problems.push('credentials written in the file; use credentials_file');
      else {
        const dir = dirname(auth.credentials_file);
        const writable = [
          ...asArray(services.prometheus?.tmpfs).map(String),
          ...asArray(services.prometheus?.volumes).map(
            (v) => String(isObject(v) ? v.target : v).split(':')[1],
          ),
        ];
        if (!writable.some((w) => w && (w === dir || dir.startsWith(`${w}/`)))) {
          problems.push(
            `${auth.credentials_file}: its directory is not a tmpfs/volume of the prometheus service`,
          );
        }
        if (!commandText(services.prometheus?.entrypoint).includes(auth.credentials_file)) {
          problems.push(`the prometheus entrypoint does not write ${auth.credentials_file}`);
        }
      }
      return problems;
    });
    check(`scrapes the worker's /metrics on WORKER_HEALTH_PORT (${prod?.workerPort})`, () =>
      jobFor('worker', Number(prod?.workerPort))
        ? []
        : [`no scrape job for worker:${prod?.workerPort}`],
    );
    check('scrape targets are compose services', () => {
      const problems = [];
      for (const job of jobs) {
        for (const target of targetsOf(job)) {
          const host = target.split(':')[0];
          if (host !== 'localhost' && !services[host]) problems.push(`${job.job_name}: ${target}`);
        }
      }
      return problems;
    });
  }

  const grafana = services.grafana;
  const mountTarget = (source) =>
    asArray(grafana?.volumes)
      .map((v) => String(v).split(':'))
      .find(([s]) => s.replace(/\/$/, '') === source)?.[1];
  const datasourceUids = new Set();
  for (const file of walk(join(ROOT, 'deploy/grafana/provisioning/datasources'), (f) =>
    /\.ya?ml$/.test(f),
  )) {
    check(`${rel(file)}: Prometheus datasource at a compose service`, () => {
      const doc = loadYaml(rel(file));
      const problems = [];
      if (doc.apiVersion !== 1) problems.push('apiVersion must be 1');
      const sources = asArray(doc.datasources).filter((d) => d.type === 'prometheus');
      if (sources.length === 0) problems.push('no datasource of type prometheus');
      for (const source of sources) {
        if (source.uid) datasourceUids.add(source.uid);
        const host = /^https?:\/\/([^:/]+)/.exec(String(source.url))?.[1];
        if (!services[host])
          problems.push(`${source.name}: ${source.url} is not a compose service`);
      }
      return problems;
    });
  }
  for (const file of walk(join(ROOT, 'deploy/grafana/provisioning/dashboards'), (f) =>
    /\.ya?ml$/.test(f),
  )) {
    check(`${rel(file)}: file provider reads the mounted deploy/grafana/dashboards`, () => {
      const doc = loadYaml(rel(file));
      const providers = asArray(doc.providers);
      if (doc.apiVersion !== 1) return ['apiVersion must be 1'];
      if (providers.length === 0) return ['no providers'];
      const target = mountTarget('./deploy/grafana/dashboards');
      return providers
        .filter((p) => p.type === 'file' && p.options?.path !== target)
        .map(
          (p) => `${p.name}: path ${p.options?.path}, but the dashboards are mounted at ${target}`,
        );
    });
  }

  let dashboard;
  check('deploy/grafana/dashboards/lms.json parses', () => {
    dashboard = JSON.parse(read('deploy/grafana/dashboards/lms.json'));
    return dashboard.uid && dashboard.title && Array.isArray(dashboard.panels)
      ? []
      : ['uid, title or panels missing'];
  });
  if (!dashboard) return;
  const panels = dashboard.panels.flatMap((p) => [p, ...asArray(p.panels)]);
  const targets = panels.flatMap((p) => asArray(p.targets).map((t) => ({ panel: p.title, ...t })));
  const exprs = targets.map((t) => t.expr).filter(Boolean);
  info(
    `app metrics: ${[...app.metrics.keys()].sort().join(', ')}${app.defaults ? ', process_*/nodejs_* defaults' : ''}`,
  );
  check(`every PromQL metric in the dashboard exists in the app (${exprs.length} queries)`, () => {
    const problems = [...app.unresolved];
    for (const t of targets) {
      for (const name of promqlMetricNames(t.expr ?? '')) {
        if (!knownMetric(name, app))
          problems.push(`${t.panel}: ${name} is not a metric of the app`);
      }
    }
    return problems;
  });
  check(
    'dashboard covers request rate, p50/p95/p99, 5xx share, queue depth, job failures, webhooks',
    () => {
      const all = exprs.join('\n');
      const wanted = {
        'request rate': /rate\(http_requests_total\[/,
        p50: /histogram_quantile\(0\.5,[^\n]*http_request_duration_seconds_bucket/,
        p95: /histogram_quantile\(0\.95,[^\n]*http_request_duration_seconds_bucket/,
        p99: /histogram_quantile\(0\.99,[^\n]*http_request_duration_seconds_bucket/,
        '5xx share': /http_requests_total\{status=~"5\.\."\}[^\n]*\/[^\n]*http_requests_total/,
        'queue depth': /queue_jobs/,
        'job failures': /jobs_processed_total\{[^}]*status="failed"/,
        'webhook outcomes':
          /by \(outcome\)[^\n]*webhook_deliveries_total|webhook_deliveries_total[^\n]*by \(outcome\)/,
      };
      return Object.entries(wanted)
        .filter(([, pattern]) => !pattern.test(all))
        .map(([what]) => `no query for ${what}`);
    },
  );
  check('dashboard panels use a known datasource and unique ids', () => {
    const problems = [];
    const variables = new Set(
      asArray(dashboard.templating?.list)
        .filter((v) => v.type === 'datasource')
        .map((v) => v.name),
    );
    const ids = new Set();
    for (const p of panels) {
      if (ids.has(p.id)) problems.push(`panel id ${p.id} repeats`);
      ids.add(p.id);
      for (const ds of [p.datasource, ...asArray(p.targets).map((t) => t.datasource)].filter(
        Boolean,
      )) {
        const uid = String(ds.uid ?? ds);
        const variable = /^\$\{?(\w+)\}?$/.exec(uid)?.[1];
        if (variable ? !variables.has(variable) : !datasourceUids.has(uid)) {
          problems.push(
            `${p.title}: datasource ${uid} is neither provisioned nor a dashboard variable`,
          );
        }
      }
    }
    return problems;
  });
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

function checkKubernetes(env, secrets) {
  section('deploy/k8s');
  const dir = join(ROOT, 'deploy/k8s');
  const files = walk(dir, (f) => /\.ya?ml$/.test(f));
  const kustomizationFile = files.find((f) => /kustomization\.ya?ml$/.test(f));
  const manifests = [];
  for (const file of files.filter((f) => f !== kustomizationFile)) {
    check(`${rel(file)} parses`, () => {
      for (const doc of loadYamlDocs(rel(file))) manifests.push({ file: rel(file), doc });
    });
  }
  const kind = (k) => manifests.filter((m) => m.doc.kind === k).map((m) => m.doc);
  const find = (k, name) => kind(k).find((d) => d.metadata?.name === name);

  let kustomization;
  check('kustomization.yaml lists every manifest, and only existing files', () => {
    if (!kustomizationFile) return ['deploy/k8s/kustomization.yaml is missing'];
    kustomization = loadYaml(rel(kustomizationFile));
    const listed = asArray(kustomization.resources).map(String);
    const problems = listed
      .filter((r) => !existsSync(join(dir, r)))
      .map((r) => `${r} does not exist`);
    for (const file of files.filter((f) => f !== kustomizationFile)) {
      if (!listed.includes(relative(dir, file)))
        problems.push(`${relative(dir, file)} is not listed`);
    }
    return problems;
  });
  const namespace = kustomization?.namespace;

  check('every manifest has apiVersion, kind, metadata.name, one namespace, no duplicates', () => {
    const problems = [];
    const seen = new Set();
    for (const { file, doc } of manifests) {
      const id = `${doc.kind}/${doc.metadata?.name}`;
      if (!doc.apiVersion || !doc.kind || !doc.metadata?.name)
        problems.push(`${file}: ${id} incomplete`);
      if (seen.has(id)) problems.push(`${file}: ${id} defined twice`);
      seen.add(id);
      const ns = doc.metadata?.namespace;
      if (doc.kind !== 'Namespace' && ns && namespace && ns !== namespace) {
        problems.push(`${file}: ${id} in namespace ${ns}, kustomization says ${namespace}`);
      }
    }
    if (namespace && !find('Namespace', namespace))
      problems.push(`no Namespace ${namespace} manifest`);
    return problems;
  });

  const configMaps = new Map(kind('ConfigMap').map((d) => [d.metadata.name, d.data ?? {}]));
  const secretMaps = new Map(
    kind('Secret').map((d) => [d.metadata.name, { ...(d.data ?? {}), ...(d.stringData ?? {}) }]),
  );

  check('ConfigMaps: string values, only variables the app knows, production settings', () => {
    const problems = [];
    for (const [name, data] of configMaps) {
      for (const [key, value] of Object.entries(data)) {
        if (typeof value !== 'string')
          problems.push(`${name}.${key}: ${JSON.stringify(value)} is not a string`);
        if (!env.has(key)) problems.push(`${name}.${key}: not in EnvironmentVariables`);
        if (secrets.has(key)) problems.push(`${name}.${key}: a secret belongs in the Secret`);
      }
      if (data.NODE_ENV !== 'production') problems.push(`${name}: NODE_ENV is ${data.NODE_ENV}`);
      if (data.JOBS_INLINE !== 'false') problems.push(`${name}: JOBS_INLINE must be 'false'`);
      if (/^(true|1|yes|on)$/i.test(String(data.DB_MIGRATE_ON_START))) {
        problems.push(`${name}: DB_MIGRATE_ON_START must not be true (the Job migrates)`);
      }
    }
    return configMaps.size ? problems : ['no ConfigMap'];
  });
  check('Secret template: placeholders only, the app secrets production needs', () => {
    const problems = [];
    const required = [
      'JWT_SECRET',
      'DATA_ENCRYPTION_KEY',
      'DATABASE_URL',
      'REDIS_URL',
      'SMTP_URL',
      'AZURE_STORAGE_CONNECTION_STRING',
      'METRICS_TOKEN',
    ];
    for (const [name, data] of secretMaps) {
      for (const [key, value] of Object.entries(data)) {
        if (!env.has(key)) problems.push(`${name}.${key}: not in EnvironmentVariables`);
        if (!/^(REPLACE_ME\w*|<[^>]*>|)$/.test(String(value)))
          problems.push(`${name}.${key}: not a placeholder`);
      }
      for (const key of required) if (!(key in data)) problems.push(`${name}: ${key} missing`);
    }
    return secretMaps.size ? problems : ['no Secret'];
  });

  const workloads = manifests
    .filter((m) => ['Deployment', 'Job', 'StatefulSet', 'DaemonSet'].includes(m.doc.kind))
    .map((m) => m.doc);
  const podSpec = (w) => w.spec?.template?.spec ?? {};
  const podLabels = (w) => w.spec?.template?.metadata?.labels ?? {};
  const matches = (selector, labels) =>
    isObject(selector) &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels[k] === v);
  /** A container's environment: envFrom ConfigMaps/Secrets, then its own env values. */
  const envOf = (c) => {
    const out = {};
    for (const from of asArray(c.envFrom)) {
      Object.assign(out, from.configMapRef ? configMaps.get(from.configMapRef.name) : {});
      Object.assign(out, from.secretRef ? secretMaps.get(from.secretRef.name) : {});
    }
    for (const e of asArray(c.env)) out[e.name] = e.value ?? '(ref)';
    return out;
  };
  const portNumber = (c, port) =>
    typeof port === 'number' ? port : asArray(c.ports).find((p) => p.name === port)?.containerPort;
  const roleOf = (w, c) => {
    const command = commandText([...asArray(c.command), ...asArray(c.args)]);
    if (/\bdist\/worker\b/.test(command)) return 'worker';
    if (/\bdist\/cli\b/.test(command)) return 'cli';
    return w.kind === 'Deployment' ? 'api' : 'other';
  };
  const images = new Set();

  for (const w of workloads) {
    const id = `${w.kind}/${w.metadata.name}`;
    const spec = podSpec(w);
    const containers = asArray(spec.containers);
    check(`${id}: containers have an image, resources and a hardened securityContext`, () => {
      const problems = [];
      if (containers.length === 0) problems.push('no containers');
      if (w.kind === 'Deployment' && !matches(w.spec?.selector?.matchLabels, podLabels(w))) {
        problems.push('selector.matchLabels does not match the pod labels');
      }
      const volumes = new Set(asArray(spec.volumes).map((v) => v.name));
      for (const c of containers) {
        if (!c.image) problems.push(`${c.name}: no image`);
        else images.add(String(c.image).split(':')[0]);
        for (const r of ['cpu', 'memory']) {
          if (!c.resources?.requests?.[r]) problems.push(`${c.name}: no resources.requests.${r}`);
        }
        if (!c.resources?.limits?.memory) problems.push(`${c.name}: no resources.limits.memory`);
        const sc = c.securityContext ?? {};
        if (!(sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot))
          problems.push(`${c.name}: runAsNonRoot is not true`);
        if ((sc.runAsUser ?? spec.securityContext?.runAsUser) === 0)
          problems.push(`${c.name}: runAsUser 0`);
        if (sc.allowPrivilegeEscalation !== false)
          problems.push(`${c.name}: allowPrivilegeEscalation is not false`);
        if (sc.readOnlyRootFilesystem !== true)
          problems.push(`${c.name}: readOnlyRootFilesystem is not true`);
        else if (!asArray(c.volumeMounts).some((m) => m.mountPath === '/tmp')) {
          problems.push(`${c.name}: read-only root filesystem without a /tmp volume`);
        }
        for (const m of asArray(c.volumeMounts)) {
          if (!volumes.has(m.name)) problems.push(`${c.name}: volumeMount ${m.name} has no volume`);
        }
      }
      return problems;
    });
    check(`${id}: env names are known, ConfigMap/Secret references resolve`, () => {
      const problems = [];
      for (const c of containers) {
        for (const e of asArray(c.env)) {
          if (!env.has(e.name))
            problems.push(`${c.name}: ${e.name} is not in EnvironmentVariables`);
          const cmRef = e.valueFrom?.configMapKeyRef;
          const secretRef = e.valueFrom?.secretKeyRef;
          if (cmRef && !(configMaps.get(cmRef.name) ?? {})[cmRef.key] && !cmRef.optional) {
            problems.push(
              `${c.name}: ${e.name} -> ConfigMap ${cmRef.name}.${cmRef.key} not defined`,
            );
          }
          if (
            secretRef &&
            !(secretRef.key in (secretMaps.get(secretRef.name) ?? {}) || secretRef.optional)
          ) {
            problems.push(
              `${c.name}: ${e.name} -> Secret ${secretRef.name}.${secretRef.key} not defined`,
            );
          }
        }
        for (const from of asArray(c.envFrom)) {
          if (
            from.configMapRef &&
            !configMaps.has(from.configMapRef.name) &&
            !from.configMapRef.optional
          ) {
            problems.push(
              `${c.name}: envFrom ConfigMap ${from.configMapRef.name} not defined in deploy/k8s`,
            );
          }
          if (from.secretRef && !secretMaps.has(from.secretRef.name) && !from.secretRef.optional) {
            problems.push(
              `${c.name}: envFrom Secret ${from.secretRef.name} not defined in deploy/k8s`,
            );
          }
        }
      }
      return problems;
    });

    for (const c of containers) {
      const role = roleOf(w, c);
      if (w.kind === 'Deployment' && role === 'api') {
        check(
          `${id}: API probes (startup, liveness /api/v1/health, readiness /api/v1/ready on 8000)`,
          () => {
            const problems = [];
            if (c.command && !/\bdist\/main\b/.test(commandText(c.command)))
              problems.push(`command ${commandText(c.command)}`);
            if (!asArray(c.ports).some((p) => p.containerPort === 8000))
              problems.push('no containerPort 8000');
            const probe = (name, path) => {
              const get = c[name]?.httpGet;
              if (!get) return problems.push(`no ${name}`);
              if (get.path !== path) problems.push(`${name} path ${get.path}, expected ${path}`);
              if (portNumber(c, get.port) !== 8000)
                problems.push(`${name} port ${get.port} is not 8000`);
            };
            probe('startupProbe', '/api/v1/health');
            probe('livenessProbe', '/api/v1/health');
            probe('readinessProbe', '/api/v1/ready');
            return problems;
          },
        );
        check(`${id}: preStop sleep, then a grace period covering it and the drain`, () => {
          const sleep = preStopSeconds(c);
          if (sleep === undefined)
            return ['no preStop sleep: endpoints would still route to a stopping pod'];
          const grace = spec.terminationGracePeriodSeconds ?? 30;
          const drain = drainSeconds(envOf(c));
          return grace > sleep + drain
            ? []
            : [
                `terminationGracePeriodSeconds ${grace} <= preStop ${sleep} s + drain ${drain} s (${drainLabel()})`,
              ];
        });
      }
      if (w.kind === 'Deployment' && role === 'worker') {
        check(
          `${id}: worker health port (WORKER_HEALTH_PORT) with liveness /health and readiness /ready, grace covers the drain`,
          () => {
            const problems = [];
            const port = Number(envOf(c).WORKER_HEALTH_PORT);
            if (!port) return ['WORKER_HEALTH_PORT is not set'];
            if (!asArray(c.ports).some((p) => p.containerPort === port))
              problems.push(`no containerPort ${port}`);
            for (const [name, path] of [
              ['livenessProbe', '/health'],
              ['readinessProbe', '/ready'],
            ]) {
              const get = c[name]?.httpGet;
              if (!get) problems.push(`no ${name}`);
              else if (get.path !== path || portNumber(c, get.port) !== port) {
                problems.push(`${name} is ${get.path} on ${get.port}, expected ${path} on ${port}`);
              }
            }
            const sleep = preStopSeconds(c) ?? 0;
            const grace = spec.terminationGracePeriodSeconds ?? 30;
            const drain = drainSeconds(envOf(c));
            if (grace <= sleep + drain) {
              problems.push(
                `terminationGracePeriodSeconds ${grace} <= preStop ${sleep} s + drain ${drain} s (${drainLabel()})`,
              );
            }
            return problems;
          },
        );
      }
      if (w.kind === 'Job') {
        check(`${id}: runs node dist/cli migration:run once, without restarts in place`, () => {
          const problems = [];
          if (
            !/\bnode\b.*\bdist\/cli\s+migration:run\b/.test(
              commandText([...asArray(c.command), ...asArray(c.args)]),
            )
          ) {
            problems.push(`command ${commandText(c.command)}`);
          }
          if (!['Never', 'OnFailure'].includes(spec.restartPolicy))
            problems.push(`restartPolicy ${spec.restartPolicy}`);
          if (w.spec?.backoffLimit === undefined) problems.push('no backoffLimit');
          return problems;
        });
      }
    }
  }
  check('API and worker Deployments exist, and all workloads share one image', () => {
    const roles = workloads.flatMap((w) => asArray(podSpec(w).containers).map((c) => roleOf(w, c)));
    const problems = ['api', 'worker', 'cli']
      .filter((r) => !roles.includes(r))
      .map((r) => `no ${r} workload`);
    if (images.size > 1) problems.push(`images differ: ${[...images].join(', ')}`);
    const names = asArray(kustomization?.images).map((i) => i.name);
    for (const image of images)
      if (names.length && !names.includes(image))
        problems.push(`kustomization images: ${image} not set`);
    return problems;
  });

  const deployments = kind('Deployment');
  for (const service of kind('Service')) {
    check(
      `Service/${service.metadata.name}: selects a Deployment's pods on a container port`,
      () => {
        const target = deployments.find((d) => matches(service.spec?.selector, podLabels(d)));
        if (!target) return ['selector matches no Deployment'];
        const containers = asArray(podSpec(target).containers);
        return asArray(service.spec?.ports)
          .filter((p) => !containers.some((c) => portNumber(c, p.targetPort ?? p.port)))
          .map((p) => `targetPort ${p.targetPort} is not a port of ${target.metadata.name}`);
      },
    );
  }
  for (const hpa of kind('HorizontalPodAutoscaler')) {
    check(
      `HorizontalPodAutoscaler/${hpa.metadata.name}: autoscaling/v2 on CPU for an existing Deployment`,
      () => {
        const problems = [];
        if (hpa.apiVersion !== 'autoscaling/v2') problems.push(`apiVersion ${hpa.apiVersion}`);
        const ref = hpa.spec?.scaleTargetRef ?? {};
        const target = ref.kind === 'Deployment' && find('Deployment', ref.name);
        if (!target)
          problems.push(`scaleTargetRef ${ref.kind}/${ref.name} is not a Deployment in deploy/k8s`);
        else if (asArray(podSpec(target).containers).some((c) => !c.resources?.requests?.cpu)) {
          problems.push('CPU utilization needs CPU requests on every container');
        }
        const cpu = asArray(hpa.spec?.metrics).find(
          (m) => m.type === 'Resource' && m.resource?.name === 'cpu',
        );
        if (!cpu?.resource?.target?.averageUtilization) problems.push('no CPU utilization target');
        if (!(hpa.spec?.minReplicas <= hpa.spec?.maxReplicas))
          problems.push('minReplicas > maxReplicas');
        return problems;
      },
    );
  }
  for (const pdb of kind('PodDisruptionBudget')) {
    check(
      `PodDisruptionBudget/${pdb.metadata.name}: selects a Deployment and allows evictions`,
      () => {
        const target = deployments.find((d) =>
          matches(pdb.spec?.selector?.matchLabels, podLabels(d)),
        );
        if (!target) return ['selector matches no Deployment'];
        const min = pdb.spec?.minAvailable;
        return typeof min === 'number' && min >= (target.spec?.replicas ?? 1)
          ? [`minAvailable ${min} >= replicas: node drains would block`]
          : [];
      },
    );
  }

  // Optional: a real kustomize build when kubectl happens to be installed (CI does not need it).
  const kubectl = spawnSync('kubectl', ['kustomize', 'deploy/k8s'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (kubectl.error) info('kubectl not found: skipped `kubectl kustomize deploy/k8s` (optional)');
  else {
    check('kubectl kustomize deploy/k8s builds (optional, kubectl found)', () =>
      kubectl.status === 0 ? [] : [kubectl.stderr.trim() || `exit ${kubectl.status}`],
    );
  }
}

// ---------------------------------------------------------------------------------------------

function main() {
  console.log(`Validating deployment files in ${ROOT}`);
  section('application sources');
  let env = new Map();
  let secrets = new Set();
  let app = { metrics: new Map(), defaults: false, unresolved: [] };
  check('environment variables from src/config/environment.ts', () => {
    env = readEnvironmentVariables();
    return env.size >= 20
      ? []
      : [`only ${env.size} variables parsed; has the class changed shape?`];
  });
  info(`${env.size} variables: ${[...env.keys()].join(' ')}`);
  check('secret names from src/config/vault-secrets.ts', () => {
    secrets = readSecretKeys();
    return [...secrets]
      .filter((s) => !env.has(s))
      .map((s) => `${s} is not in EnvironmentVariables`);
  });
  check('metric names registered in src', () => {
    app = readMetricNames();
    return app.metrics.size ? app.unresolved : ['no metric registrations found'];
  });

  DRAIN = readDrainSeconds();
  info(
    DRAIN
      ? `app drain after SIGTERM: at most ${DRAIN.seconds} s (${DRAIN.source})`
      : 'no DRAIN_TIMEOUT_MS in src: planning with DB_STATEMENT_TIMEOUT_MS as the drain time',
  );

  section('YAML under deploy/');
  for (const file of walk(join(ROOT, 'deploy'), (f) => /\.ya?ml$/.test(f))) {
    check(`${rel(file)} parses`, () => void loadYamlDocs(rel(file)));
  }

  checkDockerfile();
  checkComposeFile('docker-compose.yml', env, secrets, { production: false });
  const prod = checkComposeFile('docker-compose.prod.yml', env, secrets, { production: true });
  checkMonitoring(prod, app);
  checkKubernetes(env, secrets);

  console.log(`\n${passed + failed} checks: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main();
