import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, matchesGlob, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_PORTS, declarationsOf, SUBGRAPH_NAMES, type SubgraphName } from '../platform/config/config.ts';

/**
 * Readers for the deployment files, for deploy/deployment.spec.ts. Docker cannot
 * run where the tests run, so the files are checked by parsing them and
 * comparing what they say with what the code reads: the variables the
 * settings declarations list, the ports in DEFAULT_PORTS, the entry points and
 * what they import.
 */

export const ROOT = join(import.meta.dirname, '..');

export function readProjectFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

// ---------------------------------------------------------------------------
// What the code reads

/**
 * Every environment variable some process reads: the settings each service
 * declares (platform/config/common.ts, router/config.ts,
 * subgraphs/<name>/config.ts, ...), taken from the declarations themselves.
 * A variable added to a declaration is allowed at once, and one renamed there
 * makes every deployment file that still sets the old name fail.
 */
export function configVariables(): Set<string> {
  return new Set(declarationsOf('embedded').flatMap((declaration) => declaration.settings.map((setting) => setting.name)));
}

/** The variables that hold keys or passwords, as their declarations mark them. */
export function secretVariables(): Set<string> {
  const settings = declarationsOf('embedded').flatMap((declaration) => declaration.settings);
  return new Set(settings.filter((setting) => setting.secret).map((setting) => setting.name));
}

/** Subgraphs that exist today: named in SUBGRAPH_NAMES and with an entry point. */
export function existingSubgraphs(): SubgraphName[] {
  return SUBGRAPH_NAMES.filter((name) => existsSync(join(ROOT, 'subgraphs', name, 'index.ts')));
}

/**
 * The other subgraphs a subgraph calls: the domains of the `serviceScopes` its
 * definition in `subgraphs/<name>/server.ts` asks for (stock asks for
 * `catalogue:read` to check SKU codes). Such a subgraph needs their URLs.
 */
export function peersOf(name: SubgraphName): SubgraphName[] {
  const source = readProjectFile(join('subgraphs', name, 'server.ts'));
  const scopes = /\bserviceScopes:\s*\[([^\]]*)\]/.exec(source)?.[1] ?? '';
  const domains = [...scopes.matchAll(/'([a-z]+):/g)].map((match) => match[1]);
  return SUBGRAPH_NAMES.filter((peer) => peer !== name && domains.includes(peer));
}

export type Role = { kind: 'router' } | { kind: 'subgraph'; name: SubgraphName };

/** What a `node <entry>` command runs, or undefined for anything else. */
export function roleOfEntry(entry: string | undefined): Role | undefined {
  if (entry === 'router/index.ts') return { kind: 'router' };
  const match = /^subgraphs\/([a-z]+)\/index\.ts$/.exec(entry ?? '');
  const name = SUBGRAPH_NAMES.find((candidate) => candidate === match?.[1]);
  return name ? { kind: 'subgraph', name } : undefined;
}

export function entryOfRole(role: Role): string {
  return role.kind === 'router' ? 'router/index.ts' : `subgraphs/${role.name}/index.ts`;
}

/** The port a service listens on given its environment, as loadConfig decides it. */
export function listeningPort(role: Role, env: Record<string, string>): number {
  const key = role.kind === 'router' ? 'router' : role.name;
  const override = env[`${key.toUpperCase()}_PORT`];
  return override === undefined ? DEFAULT_PORTS[key] : Number(override);
}

// ---------------------------------------------------------------------------
// Compose

export type ComposeService = {
  image?: string;
  build?: string | { context?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  ports?: (string | number)[];
  volumes?: string[];
  deploy?: { replicas?: number };
};

export type ComposeFile = { services: Record<string, ComposeService>; volumes?: Record<string, unknown> } & Record<string, unknown>;

export function loadCompose(): ComposeFile {
  // Compose resolves `<<:` merge keys (YAML 1.1); the x-node-* fragments rely on them.
  return parse(readProjectFile('docker-compose.yml'), { merge: true }) as ComposeFile;
}

export function composeEnvironment(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const [name = '', ...value] = entry.split('=');
      env[name] = value.join('=');
    }
  } else {
    for (const [name, value] of Object.entries(service.environment ?? {})) env[name] = value === null ? '' : String(value);
  }
  return env;
}

/** depends_on as a map from service to condition; the short list form means `service_started`. */
export function composeDependencies(service: ComposeService): Record<string, string> {
  if (Array.isArray(service.depends_on)) return Object.fromEntries(service.depends_on.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(service.depends_on ?? {}).map(([name, dep]) => [name, dep.condition ?? 'service_started']));
}

export function composeCommand(service: ComposeService): string[] {
  return typeof service.command === 'string' ? service.command.split(/\s+/) : (service.command ?? []);
}

/** `${NAME}`, `${NAME:?message}`, `${NAME:-default}`...: compose's interpolation. */
const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+][^}]*)?\}/g;

export function interpolatedNames(text: string): string[] {
  return [...text.matchAll(INTERPOLATION)].map((match) => match[1]!);
}

/** Every name interpolated anywhere in a parsed compose file (comments do not count: they are not values). */
export function composeInterpolations(value: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (typeof node === 'string') for (const name of interpolatedNames(node)) names.add(name);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(value);
  return names;
}

/** The value with every `${...}` replaced, so a URL around an interpolation can be parsed. */
export function withoutInterpolation(text: string, placeholder = 'interpolated'): string {
  return text.replaceAll(INTERPOLATION, placeholder);
}

/** True when the value is one required interpolation, `${NAME:?message}`, and nothing else. */
export function isRequiredInterpolation(value: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]+\}$/.test(value);
}

/** Names a `.env`-style file assigns, with their values. */
export function parseEnvFile(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) entries.set(match[1]!, match[2]!);
  }
  return entries;
}

// ---------------------------------------------------------------------------
// MySQL init scripts

export type MysqlInit = {
  databases: string[];
  users: { user: string; passwordVariable: string }[];
  grants: { database: string; user: string }[];
};

export function loadMysqlInit(): MysqlInit {
  const sql = readProjectFile('deploy/mysql-init/01-databases.sql');
  const script = readProjectFile('deploy/mysql-init/02-users.sh');
  return {
    databases: [...sql.matchAll(/^CREATE DATABASE IF NOT EXISTS `([^`]+)`/gm)].map((match) => match[1]!),
    users: [...script.matchAll(/^CREATE USER IF NOT EXISTS '([^']+)'@'%' IDENTIFIED BY '\$\{([A-Z0-9_]+)\}';/gm)].map((match) => ({
      user: match[1]!,
      passwordVariable: match[2]!,
    })),
    grants: [...script.matchAll(/^GRANT ALL PRIVILEGES ON \\`([^`\\]+)\\`\.\* TO '([^']+)'@'%';/gm)].map((match) => ({
      database: match[1]!,
      user: match[2]!,
    })),
  };
}

// ---------------------------------------------------------------------------
// Kubernetes

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

export type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
};

export type Probe = { httpGet?: { path?: string; port?: number | string } };

export type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};

export type Deployment = K8sObject & {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean; runAsUser?: number } };
    };
  };
};

export type Service = K8sObject & {
  spec: { type?: string; selector: Record<string, string>; ports: { name?: string; port: number; targetPort?: number | string }[] };
};

export type ConfigMap = K8sObject & { data: Record<string, string> };

export type Secret = K8sObject & { stringData?: Record<string, string>; data?: Record<string, string> };

export type HorizontalPodAutoscaler = K8sObject & {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { type: string; resource?: { name: string } }[];
  };
};

export type ManifestFile = { file: string; objects: K8sObject[] };

/** Every document of every `*.yaml` in a folder (not its subfolders, like `kubectl apply -f`), in name order. */
export function loadManifests(folder: string): ManifestFile[] {
  return readdirSync(join(ROOT, folder))
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort()
    .map((file) => {
      const documents = parseAllDocuments(readProjectFile(join(folder, file)));
      const list = Array.isArray(documents) ? documents : [];
      for (const document of list) {
        if (document.errors.length > 0) throw new Error(`${folder}/${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      }
      const objects = list.map((document) => document.toJS() as K8sObject | null).filter((object) => object !== null);
      return { file, objects };
    });
}

export function ofKind<T extends K8sObject>(objects: readonly K8sObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

/** The Service whose selector picks the Deployment's pods. */
export function serviceSelecting(services: readonly Service[], deployment: Deployment): Service | undefined {
  const labels = deployment.spec.template.metadata.labels;
  return services.find((service) => Object.entries(service.spec.selector).every(([key, value]) => labels[key] === value));
}

/** A named or numeric container port, as a number. */
export function containerPortNumber(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

/** The entry point a container runs: `node <entry>` in command, or command `node` with args. */
export function containerEntry(container: Container): string | undefined {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  return argv[0] === 'node' ? argv[1] : undefined;
}

// ---------------------------------------------------------------------------
// Dockerfile and .dockerignore

export type Instruction = { keyword: string; args: string; stage: number };

/** Instructions in order, continuation lines joined, comments dropped; `stage` counts FROMs (0 before the first). */
export function dockerfileInstructions(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  let stage = 0;
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    return { keyword: keyword.toUpperCase(), args: rest.join(' '), stage };
  });
}

export function dockerignorePatterns(): string[] {
  return readProjectFile('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Whether Docker leaves a path out of the build context: the last pattern that
 * matches the path or one of its parent folders decides, and `!` re-includes.
 */
export function isDockerIgnored(path: string, patterns: readonly string[]): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const glob = (negated ? pattern.slice(1) : pattern).replace(/^\/+|\/+$/g, '');
    if (candidates.some((candidate) => matchesGlob(candidate, glob))) ignored = !negated;
  }
  return ignored;
}

// ---------------------------------------------------------------------------
// What an entry point loads

export type RuntimeClosure = {
  /** Project files (relative to the root) the entry point imports or reads, itself included. */
  files: Set<string>;
  /** npm packages imported on the way (type-only imports excluded: Node erases them). */
  packages: Set<string>;
  /** Relative imports that point at no file. */
  missing: string[];
};

const STATIC_IMPORT = /^\s*(?:import|export)\s+(type\s+)?[^;'"]*?\bfrom\s+'([^']+)'/gm;
const SIDE_EFFECT_IMPORT = /^\s*import\s+'([^']+)'/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*'([^']+)'\s*\)/g;
/** Files a module reads relative to itself, e.g. join(import.meta.dirname, '..', 'schema', 'supergraph.graphql'). */
const MODULE_RELATIVE_FILE = /\bjoin\(\s*import\.meta\.dirname((?:\s*,\s*'[^']*')+)\s*\)/g;

/**
 * Follows every relative import from the entry points (and the files they read
 * next to themselves), so a test can prove the image holds everything a process
 * loads and that every package it imports is a production dependency.
 */
export function runtimeClosure(entries: readonly string[]): RuntimeClosure {
  const closure: RuntimeClosure = { files: new Set(), packages: new Set(), missing: [] };
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (closure.files.has(file)) continue;
    if (!existsSync(join(ROOT, file))) {
      closure.missing.push(file);
      continue;
    }
    closure.files.add(file);
    if (!file.endsWith('.ts')) continue;
    const source = readProjectFile(file);
    const specifiers = [
      ...[...source.matchAll(STATIC_IMPORT)].filter((match) => match[1] === undefined).map((match) => match[2]!),
      ...[...source.matchAll(SIDE_EFFECT_IMPORT)].map((match) => match[1]!),
      ...[...source.matchAll(DYNAMIC_IMPORT)].map((match) => match[1]!),
    ];
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) queue.push(relative(ROOT, resolve(ROOT, dirname(file), specifier)));
      else if (!isBuiltin(specifier)) closure.packages.add(packageName(specifier));
    }
    for (const match of source.matchAll(MODULE_RELATIVE_FILE)) {
      const segments = [...match[1]!.matchAll(/'([^']*)'/g)].map((segment) => segment[1]!);
      queue.push(relative(ROOT, resolve(ROOT, dirname(file), ...segments)));
    }
  }
  return closure;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
