import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS, loadConfig, SUBGRAPH_NAMES } from '../platform/config/config.ts';
import {
  type ComposeService,
  type ConfigMap,
  type Container,
  composeCommand,
  composeDependencies,
  composeEnvironment,
  composeInterpolations,
  configVariables,
  containerEntry,
  containerPortNumber,
  type Deployment,
  dockerfileInstructions,
  dockerignorePatterns,
  entryOfRole,
  existingSubgraphs,
  type HorizontalPodAutoscaler,
  interpolatedNames,
  isDockerIgnored,
  isRequiredInterpolation,
  listeningPort,
  loadCompose,
  loadManifests,
  loadMysqlInit,
  ofKind,
  parseEnvFile,
  peersOf,
  ROOT,
  type Role,
  readProjectFile,
  roleOfEntry,
  runtimeClosure,
  type Secret,
  type Service,
  secretVariables,
  serviceSelecting,
  withoutInterpolation,
} from './manifests.ts';

/**
 * The deployment files (docker-compose.yml, Dockerfile, deploy/k8s/) checked
 * against the code by parsing them: Docker does not run where the tests run.
 * Expectations come from the code wherever it has them (the variables the
 * settings declarations list, DEFAULT_PORTS, which subgraphs have an entry
 * point), so a new subgraph or a renamed variable shows up here first.
 */

const VARIABLES = configVariables();
/** Keys and passwords as their declarations mark them, plus the public JWT key, which is rotated together with its private key. */
const SECRET_VARIABLES = [...secretVariables(), 'JWT_PUBLIC_KEY'];
/** Variables whose value carries a password (user:password@host). */
const CREDENTIAL_URLS = ['MYSQL_URL', 'AMQP_URL', 'REDIS_URL'];
const SUBGRAPHS = existingSubgraphs();
const MISSING_SUBGRAPHS = SUBGRAPH_NAMES.filter((name) => !SUBGRAPHS.includes(name));
const PREFIX_DEFAULT = loadConfig({}).mysqlDatabasePrefix;
/** `npm run migrate`: the step that migrates databases before services start (scripts/migrate.ts). */
const MIGRATE_ENTRY = 'scripts/migrate.ts';

const roleName = (role: Role) => (role.kind === 'router' ? 'router' : role.name);
const subgraphOf = (role: Role | undefined) => (role?.kind === 'subgraph' ? role.name : undefined);
const unknownVariables = (names: Iterable<string>) => [...names].filter((name) => !VARIABLES.has(name));

describe('the configuration the deployment files are checked against', () => {
  it('finds every declared variable, including the per-subgraph ports and URLs and the secrets', () => {
    // Guards the extraction itself: an empty or partial set would let any typo through.
    for (const name of ['NODE_ENV', 'HOST', 'ROUTER_PORT', 'MYSQL_URL', 'MYSQL_DATABASE_PREFIX', ...SECRET_VARIABLES, 'SEED_DEMO_DATA']) {
      expect(VARIABLES).toContain(name);
    }
    for (const name of SUBGRAPH_NAMES) {
      expect(VARIABLES).toContain(`${name.toUpperCase()}_PORT`);
      expect(VARIABLES).toContain(`${name.toUpperCase()}_URL`);
    }
    expect(VARIABLES).not.toContain('MYSQL_ULR');
    expect(SECRET_VARIABLES).toEqual(expect.arrayContaining(['INTERNAL_AUTH_SECRET', 'JWT_PRIVATE_KEY', 'SEED_ADMIN_PASSWORD']));
    expect(SECRET_VARIABLES).not.toContain('HOST');
  });

  it('lets a subgraph in only once it has an entry point', () => {
    expect(SUBGRAPHS).toContain('catalogue');
  });

  it('finds the subgraphs a subgraph calls in its serviceScopes', () => {
    expect(peersOf('catalogue')).toEqual([]);
    if (SUBGRAPHS.includes('stock')) expect(peersOf('stock')).toEqual(['catalogue']);
  });
});

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const services = compose.services;
  // The one-shot migration step runs `node scripts/migrate.ts`; it is checked on its own below.
  const nodeServices = Object.entries(services).flatMap(([name, service]) => {
    const command = composeCommand(service);
    const role = command[0] === 'node' ? roleOfEntry(command[1]) : undefined;
    return command[0] === 'node' && command[1] !== MIGRATE_ENTRY ? [{ name, service, role, env: composeEnvironment(service) }] : [];
  });
  const subgraphServices = nodeServices.filter((node) => node.role?.kind === 'subgraph');
  const routers = nodeServices.filter((node) => node.role?.kind === 'router');
  const serviceWithImage = (prefix: string) => Object.entries(services).find(([, service]) => service.image?.startsWith(prefix));

  it('runs only the router and subgraph entry points with node', () => {
    expect(nodeServices.filter((node) => node.role === undefined).map((node) => composeCommand(node.service).join(' '))).toEqual([]);
    expect(routers).toHaveLength(1);
  });

  it('sets only environment variables some process reads', () => {
    for (const node of nodeServices)
      expect({ service: node.name, unknown: unknownVariables(Object.keys(node.env)) }).toEqual({ service: node.name, unknown: [] });
  });

  it('runs a service for every subgraph that has an index.ts and for no other', () => {
    expect(subgraphServices.map((node) => roleName(node.role!)).sort()).toEqual([...SUBGRAPHS].sort());
    // The router reaches a subgraph by its service name, so the two must be the same.
    for (const node of subgraphServices) expect(node.name).toBe(roleName(node.role!));
    for (const name of MISSING_SUBGRAPHS) expect(Object.keys(services)).not.toContain(name);
  });

  it('starts every Node service from the shared image built by the Dockerfile, with its own entry point', () => {
    for (const node of nodeServices) {
      expect(node.service.image).toBe('commerce-supergraph:latest');
      const build = node.service.build;
      expect(typeof build === 'string' ? build : build?.context).toBe('.');
      expect(composeCommand(node.service)).toEqual(['node', entryOfRole(node.role!)]);
      expect(existsSync(join(ROOT, entryOfRole(node.role!)))).toBe(true);
    }
  });

  it('runs every Node service in production mode, bound to all interfaces', () => {
    for (const node of nodeServices) expect(node.env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
  });

  it("takes INTERNAL_AUTH_SECRET and JWT_PUBLIC_KEY from the operator's environment, never from the file", () => {
    for (const node of nodeServices) {
      for (const name of ['INTERNAL_AUTH_SECRET', 'JWT_PUBLIC_KEY']) {
        expect({ service: node.name, name, required: isRequiredInterpolation(node.env[name] ?? '') }).toEqual({
          service: node.name,
          name,
          required: true,
        });
      }
    }
  });

  it('writes no literal password, secret or key for any service', () => {
    for (const [name, service] of Object.entries(services)) {
      const env = composeEnvironment(service);
      for (const [variable, value] of Object.entries(env)) {
        if (/SECRET|PASSWORD|_PASS$|_KEY$|AUTH/.test(variable)) {
          expect({ service: name, variable, interpolated: isRequiredInterpolation(value) }).toEqual({
            service: name,
            variable,
            interpolated: true,
          });
        }
        if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) {
          const url = new URL(withoutInterpolation(value, 'INTERPOLATED'));
          const password = url.password === '' ? '' : value.slice(value.indexOf(':', value.indexOf('//')) + 1, value.lastIndexOf('@'));
          if (password !== '')
            expect({ service: name, variable, interpolated: isRequiredInterpolation(password) }).toEqual({
              service: name,
              variable,
              interpolated: true,
            });
        }
      }
      const command = composeCommand(service);
      const passwordAt = command.indexOf('--requirepass');
      if (passwordAt >= 0) expect(isRequiredInterpolation(command[passwordAt + 1] ?? '')).toBe(true);
    }
  });

  it('gives every subgraph its own MySQL user, which the init scripts create with access to its own database only', () => {
    const init = loadMysqlInit();
    const [mysqlName, mysql] = serviceWithImage('mysql:')!;
    const mysqlEnv = composeEnvironment(mysql);
    for (const node of subgraphServices) {
      const name = roleName(node.role!);
      const database = `${node.env.MYSQL_DATABASE_PREFIX ?? PREFIX_DEFAULT}${name}`;
      const url = new URL(withoutInterpolation(node.env.MYSQL_URL ?? '', 'INTERPOLATED'));
      expect({ protocol: url.protocol, host: url.hostname, port: url.port, user: url.username, path: url.pathname }).toEqual({
        protocol: 'mysql:',
        host: mysqlName,
        port: '3306',
        user: name,
        path: '/',
      });
      const [passwordVariable] = interpolatedNames(node.env.MYSQL_URL ?? '');
      expect(init.databases).toContain(database);
      expect(init.users).toContainEqual({ user: name, passwordVariable });
      // The init script reads the password from the mysql container's environment.
      expect(interpolatedNames(mysqlEnv[passwordVariable!] ?? '')).toEqual([passwordVariable]);
      expect(init.grants.filter((grant) => grant.user === name)).toEqual([{ database, user: name }]);
    }
    // Nothing is created for a subgraph that has no service.
    const expectedDatabases = subgraphServices.map((node) => `${node.env.MYSQL_DATABASE_PREFIX ?? PREFIX_DEFAULT}${roleName(node.role!)}`);
    expect([...init.databases].sort()).toEqual(expectedDatabases.sort());
    expect(init.users.map((user) => user.user).sort()).toEqual(subgraphServices.map((node) => roleName(node.role!)).sort());
  });

  it("points the router at every subgraph's service name and port, at /graphql", () => {
    const router = routers[0]!;
    for (const node of subgraphServices) {
      const variable = `${roleName(node.role!).toUpperCase()}_URL`;
      expect({ variable, value: router.env[variable] }).toEqual({
        variable,
        value: `http://${node.name}:${listeningPort(node.role!, node.env)}/graphql`,
      });
    }
    for (const name of MISSING_SUBGRAPHS) expect(router.env).not.toHaveProperty(`${name.toUpperCase()}_URL`);
  });

  it("gives a subgraph that calls another that subgraph's URL, and starts it after that subgraph is healthy", () => {
    for (const node of subgraphServices) {
      for (const peer of peersOf(subgraphOf(node.role)!)) {
        const target = subgraphServices.find((candidate) => roleName(candidate.role!) === peer);
        const variable = `${peer.toUpperCase()}_URL`;
        expect({ service: node.name, variable, value: node.env[variable], condition: composeDependencies(node.service)[peer] }).toEqual({
          service: node.name,
          variable,
          value: target && `http://${target.name}:${listeningPort(target.role!, target.env)}/graphql`,
          condition: 'service_healthy',
        });
      }
    }
  });

  it("checks every Node service's health on its own port", () => {
    for (const node of nodeServices) {
      const test = [node.service.healthcheck?.test ?? []].flat().join(' ');
      expect({ service: node.name, test }).toEqual({
        service: node.name,
        test: expect.stringContaining(`http://127.0.0.1:${listeningPort(node.role!, node.env)}/health`),
      });
    }
  });

  it('starts a Node service only after every service its URLs point to is healthy (the trace collector aside)', () => {
    for (const node of nodeServices) {
      const dependencies = composeDependencies(node.service);
      for (const [name, value] of Object.entries(node.env)) {
        // Traces are best effort: a service never waits for the collector (deploy/tracing.spec.ts).
        if (name === 'OTEL_EXPORTER_OTLP_ENDPOINT') continue;
        if (!/^[a-z][a-z0-9+.-]*:\/\//.test(value)) continue;
        const host = new URL(withoutInterpolation(value)).hostname;
        if (host in services)
          expect({ service: node.name, host, condition: dependencies[host] }).toEqual({
            service: node.name,
            host,
            condition: 'service_healthy',
          });
      }
    }
  });

  it('starts every subgraph after MySQL is healthy and the router after every subgraph', () => {
    const [mysqlName] = serviceWithImage('mysql:')!;
    for (const node of subgraphServices) expect(composeDependencies(node.service)[mysqlName]).toBe('service_healthy');
    const routerDependencies = composeDependencies(routers[0]!.service);
    for (const node of subgraphServices)
      expect({ subgraph: node.name, condition: routerDependencies[node.name] }).toEqual({
        subgraph: node.name,
        condition: 'service_healthy',
      });
  });

  it('runs two router replicas behind an edge proxy that publishes the router port', () => {
    const router = routers[0]!;
    expect(router.service.deploy?.replicas).toBeGreaterThanOrEqual(2);
    // Replicas cannot share a host port, and subgraphs are reached only through the router.
    for (const node of nodeServices)
      expect({ service: node.name, ports: node.service.ports ?? [] }).toEqual({ service: node.name, ports: [] });

    const [edgeName, edge] = Object.entries(services).find(([, service]) =>
      (service.volumes ?? []).some((volume) => volume.includes('edge.conf')),
    )!;
    const routerPort = listeningPort({ kind: 'router' }, router.env);
    expect(edge.ports).toEqual([`${DEFAULT_PORTS.router}:${DEFAULT_PORTS.router}`]);
    expect(composeDependencies(edge)[router.name]).toBe('service_healthy');
    const conf = readProjectFile('deploy/compose/edge.conf');
    expect(conf).toMatch(new RegExp(`^\\s*listen ${DEFAULT_PORTS.router};`, 'm'));
    expect(conf).toMatch(new RegExp(`^\\s*set \\$\\w+ http://${router.name}:${routerPort};`, 'm'));
    // graphql-ws subscriptions upgrade the same /graphql connection.
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(edgeName).not.toBe(router.name);
  });

  it('gives MySQL, RabbitMQ and Redis a healthcheck, and MySQL its init scripts and a named volume', () => {
    const [, mysql] = serviceWithImage('mysql:')!;
    expect(mysql.image).toBe('mysql:8.4');
    expect([mysql.healthcheck?.test ?? []].flat().join(' ')).toMatch(/mysqladmin ping/);
    const [volumeName] = (mysql.volumes ?? []).find((volume) => volume.endsWith(':/var/lib/mysql'))!.split(':');
    expect(compose.volumes).toHaveProperty(volumeName!);
    expect(mysql.volumes).toContain('./deploy/mysql-init:/docker-entrypoint-initdb.d:ro');

    for (const image of ['rabbitmq:4-management', 'redis:7']) {
      const [name, service] = serviceWithImage(image)!;
      expect({ name, image: service.image, healthcheck: [service.healthcheck?.test ?? []].flat().length > 0 }).toEqual({
        name,
        image,
        healthcheck: true,
      });
    }
  });

  it('documents every variable it interpolates in .env.example, and fills in no secret there', () => {
    const used = composeInterpolations(compose);
    const documented = parseEnvFile(readProjectFile('.env.example'));
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented.keys()].filter((name) => !used.has(name))).toEqual([]);
    for (const [name, value] of documented) {
      if (/SECRET|PASSWORD|KEY/.test(name)) expect({ name, value }).toEqual({ name, value: '' });
    }
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfileInstructions(readProjectFile('Dockerfile'));
  const lastStage = Math.max(...instructions.map((instruction) => instruction.stage));
  const final = instructions.filter((instruction) => instruction.stage === lastStage);
  const copies = final.filter((instruction) => instruction.keyword === 'COPY');
  const projectCopies = copies.filter((instruction) => !instruction.args.startsWith('--from='));
  const copiedPaths = projectCopies.flatMap((instruction) =>
    instruction.args
      .split(/\s+/)
      .filter((arg) => !arg.startsWith('--'))
      .slice(0, -1),
  );
  const patterns = dockerignorePatterns();
  const packageJson = JSON.parse(readProjectFile('package.json')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it('builds in stages and installs production dependencies only, with npm ci --omit=dev', () => {
    expect(lastStage).toBeGreaterThanOrEqual(2);
    // The final stage takes node_modules from an earlier stage instead of installing.
    expect(copies.some((instruction) => /^--from=\w+ \/app\/node_modules /.test(instruction.args))).toBe(true);
    const installs = instructions.filter((instruction) => instruction.keyword === 'RUN' && /\bnpm (ci|install|i)\b/.test(instruction.args));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install.args).toMatch(/\bnpm ci\b.*--omit=dev/);
  });

  it('runs on the Node major the project pins', () => {
    const major = /(\d+)/.exec(packageJson.devDependencies.node ?? '')?.[1];
    const imageArg = instructions.find((instruction) => instruction.keyword === 'ARG' && instruction.args.startsWith('NODE_IMAGE='));
    expect(imageArg?.args).toBe(`NODE_IMAGE=node:${major}-slim`);
    for (const from of instructions.filter((instruction) => instruction.keyword === 'FROM'))
      expect(from.args).toMatch(/^\$\{NODE_IMAGE\} AS \w+$/);
  });

  it('ends as a non-root user', () => {
    const users = final.filter((instruction) => instruction.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
    // Nothing after it runs as root again.
    const lastUser = final.lastIndexOf(users.at(-1)!);
    expect(final.slice(lastUser).filter((instruction) => instruction.keyword === 'RUN')).toEqual([]);
  });

  it('copies named project folders and files only, never the whole context or a .env', () => {
    // package.json's "type": "module" is what makes Node load our .ts files as ES modules.
    expect(copiedPaths).toContain('package.json');
    for (const path of copiedPaths) {
      expect({ path, exists: existsSync(join(ROOT, path)), ignored: isDockerIgnored(path, patterns) }).toEqual({
        path,
        exists: true,
        ignored: false,
      });
      expect(path).not.toMatch(/^\.\/?$|\.env/);
    }
  });

  it('keeps node_modules, data, .git and every .env out of the build context', () => {
    for (const path of [
      'node_modules/jest/package.json',
      'data/dev-keys.json',
      '.git/config',
      '.env',
      '.env.production',
      '.ci/run',
      'coverage/x',
      'bench/results/x',
    ]) {
      expect({ path, ignored: isDockerIgnored(path, patterns) }).toEqual({ path, ignored: true });
    }
  });

  it('ships every file the entry points load, and every package they import is a production dependency', () => {
    const entries = [...SUBGRAPHS.map((name) => entryOfRole({ kind: 'subgraph', name })), entryOfRole({ kind: 'router' })];
    const closure = runtimeClosure(entries);
    expect(closure.missing).toEqual([]);
    expect(closure.files).toContain('schema/supergraph.graphql');
    const shipped = (file: string) => copiedPaths.some((path) => file === path || file.startsWith(`${path.replace(/\/$/, '')}/`));
    for (const file of closure.files)
      expect({ file, shipped: shipped(file) && !isDockerIgnored(file, patterns) }).toEqual({ file, shipped: true });
    expect([...closure.packages].filter((name) => !(name in packageJson.dependencies))).toEqual([]);
  });

  it('exposes the port of every service and sets only declared variables', () => {
    const exposed = final
      .filter((instruction) => instruction.keyword === 'EXPOSE')
      .flatMap((instruction) => instruction.args.split(/\s+/).map(Number));
    for (const port of Object.values(DEFAULT_PORTS)) expect(exposed).toContain(port);
    const envNames = final
      .filter((instruction) => instruction.keyword === 'ENV')
      .flatMap((instruction) => [...instruction.args.matchAll(/(\w+)=/g)].map((match) => match[1]!));
    expect(unknownVariables(envNames)).toEqual([]);
    const cmd = JSON.parse(final.find((instruction) => instruction.keyword === 'CMD')!.args) as string[];
    expect(roleOfEntry(cmd[1])).toBeDefined();
  });
});

describe('Kubernetes manifests', () => {
  const files = loadManifests('deploy/k8s');
  const objects = files.flatMap((file) => file.objects);
  const [namespace] = ofKind(objects, 'Namespace');
  const deployments = ofKind<Deployment>(objects, 'Deployment');
  const services = ofKind<Service>(objects, 'Service');
  const configMaps = ofKind<ConfigMap>(objects, 'ConfigMap');
  const examples = loadManifests('deploy/k8s/examples').flatMap((file) => file.objects);
  const [exampleSecret] = ofKind<Secret>(examples, 'Secret');
  const containerOf = (deployment: Deployment): Container => deployment.spec.template.spec.containers[0]!;
  const roleOf = (deployment: Deployment) => roleOfEntry(containerEntry(containerOf(deployment)));
  const configMapData = (container: Container) =>
    Object.assign(
      {},
      ...(container.envFrom ?? []).map((source) => configMaps.find((map) => map.metadata.name === source.configMapRef?.name)?.data ?? {}),
    ) as Record<string, string>;
  const plainEnv = (container: Container) => ({
    ...configMapData(container),
    ...Object.fromEntries(
      (container.env ?? []).filter((variable) => variable.value !== undefined).map((variable) => [variable.name, variable.value!]),
    ),
  });
  const router = deployments.find((deployment) => roleOf(deployment)?.kind === 'router')!;

  it('runs only the router and subgraph entry points, one container per pod', () => {
    for (const deployment of deployments) {
      expect(deployment.spec.template.spec.containers).toHaveLength(1);
      expect({ deployment: deployment.metadata.name, role: roleOf(deployment) }).toEqual({
        deployment: deployment.metadata.name,
        role: expect.anything(),
      });
    }
    expect(router).toBeDefined();
  });

  it('sets only declared environment variables, in the ConfigMap and in every Deployment', () => {
    for (const map of configMaps)
      expect({ configMap: map.metadata.name, unknown: unknownVariables(Object.keys(map.data)) }).toEqual({
        configMap: map.metadata.name,
        unknown: [],
      });
    for (const deployment of deployments) {
      const names = (containerOf(deployment).env ?? []).map((variable) => variable.name);
      expect({ deployment: deployment.metadata.name, unknown: unknownVariables(names) }).toEqual({
        deployment: deployment.metadata.name,
        unknown: [],
      });
    }
  });

  it('has a Deployment and a Service for every subgraph that exists and for the router, and none for another', () => {
    const roles = deployments.map((deployment) => roleName(roleOf(deployment)!)).sort();
    expect(roles).toEqual([...SUBGRAPHS, 'router'].sort());
    for (const deployment of deployments) {
      expect(existsSync(join(ROOT, entryOfRole(roleOf(deployment)!)))).toBe(true);
      expect({ deployment: deployment.metadata.name, service: serviceSelecting(services, deployment)?.metadata.name }).toEqual({
        deployment: deployment.metadata.name,
        service: expect.any(String),
      });
    }
    expect(services).toHaveLength(deployments.length);
  });

  it("selects each Deployment's own pods and routes the DEFAULT_PORTS port to the container", () => {
    for (const deployment of deployments) {
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
      const container = containerOf(deployment);
      const port = listeningPort(roleOf(deployment)!, plainEnv(container));
      expect(port).toBe(DEFAULT_PORTS[roleName(roleOf(deployment)!) as keyof typeof DEFAULT_PORTS]);
      // The router's metrics port is declared too, and tested below: no Service may publish it.
      expect(container.ports?.filter((entry) => entry.name !== 'metrics').map((entry) => entry.containerPort)).toEqual([port]);
      const service = serviceSelecting(services, deployment)!;
      expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
      expect(
        service.spec.ports.map((entry) => ({ port: entry.port, target: containerPortNumber(container, entry.targetPort ?? entry.port) })),
      ).toEqual([{ port, target: port }]);
    }
  });

  it("keeps the router's /metrics on its metrics port: scraped there, published by no Service", () => {
    const container = containerOf(router);
    const metricsPort = loadConfig({ NODE_ENV: 'test', METRICS_PORT: plainEnv(container).METRICS_PORT }).metricsPort;
    expect(container.ports?.find((entry) => entry.name === 'metrics')?.containerPort).toBe(metricsPort);
    expect(router.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(metricsPort),
      'prometheus.io/path': '/metrics',
    });
    const service = serviceSelecting(services, router)!;
    const published = service.spec.ports.map((entry) => containerPortNumber(container, entry.targetPort ?? entry.port));
    expect(published).not.toContain(metricsPort);
  });

  it("points the router at every subgraph's Service, at /graphql", () => {
    const env = plainEnv(containerOf(router));
    for (const deployment of deployments.filter((candidate) => candidate !== router)) {
      const name = roleName(roleOf(deployment)!);
      const service = serviceSelecting(services, deployment)!;
      const variable = `${name.toUpperCase()}_URL`;
      const url = new URL(env[variable] ?? 'missing:');
      expect({ variable, protocol: url.protocol, host: url.hostname.split('.')[0], port: Number(url.port), path: url.pathname }).toEqual({
        variable,
        protocol: 'http:',
        host: service.metadata.name,
        port: service.spec.ports[0]!.port,
        path: '/graphql',
      });
    }
    for (const name of MISSING_SUBGRAPHS) expect(env).not.toHaveProperty(`${name.toUpperCase()}_URL`);
  });

  it("gives a subgraph that calls another that subgraph's Service URL", () => {
    for (const deployment of deployments) {
      const subgraph = subgraphOf(roleOf(deployment));
      if (subgraph === undefined) continue;
      const env = plainEnv(containerOf(deployment));
      for (const peer of peersOf(subgraph)) {
        const target = deployments.find((candidate) => roleName(roleOf(candidate)!) === peer);
        const service = target && serviceSelecting(services, target);
        const variable = `${peer.toUpperCase()}_URL`;
        expect({ deployment: deployment.metadata.name, variable, value: env[variable] }).toEqual({
          deployment: deployment.metadata.name,
          variable,
          value: service && `http://${service.metadata.name}:${service.spec.ports[0]!.port}/graphql`,
        });
      }
    }
  });

  it('probes readiness and liveness on /health at the container port', () => {
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      const port = listeningPort(roleOf(deployment)!, plainEnv(container));
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect({
          deployment: deployment.metadata.name,
          path: probe?.httpGet?.path,
          port: containerPortNumber(container, probe?.httpGet?.port),
        }).toEqual({
          deployment: deployment.metadata.name,
          path: '/health',
          port,
        });
      }
    }
  });

  it('requests and limits CPU and memory for every container', () => {
    for (const deployment of deployments) {
      const resources = containerOf(deployment).resources;
      expect({ deployment: deployment.metadata.name, requests: resources?.requests, limits: resources?.limits }).toEqual({
        deployment: deployment.metadata.name,
        requests: { cpu: expect.any(String), memory: expect.any(String) },
        limits: { cpu: expect.any(String), memory: expect.any(String) },
      });
    }
  });

  it('takes every secret from the commerce-secrets Secret through secretKeyRef, never from the ConfigMap', () => {
    const exampleKeys = Object.keys(exampleSecret?.stringData ?? {});
    for (const map of configMaps) {
      expect(Object.keys(map.data).filter((name) => [...SECRET_VARIABLES, ...CREDENTIAL_URLS].includes(name))).toEqual([]);
    }
    for (const deployment of deployments) {
      const env = containerOf(deployment).env ?? [];
      for (const name of ['INTERNAL_AUTH_SECRET', 'JWT_PUBLIC_KEY']) expect(env.map((variable) => variable.name)).toContain(name);
      for (const variable of env.filter((candidate) => [...SECRET_VARIABLES, ...CREDENTIAL_URLS].includes(candidate.name))) {
        const ref = variable.valueFrom?.secretKeyRef;
        expect({
          variable: variable.name,
          value: variable.value,
          secret: ref?.name,
          keyInExample: exampleKeys.includes(ref?.key ?? ''),
        }).toEqual({
          variable: variable.name,
          value: undefined,
          secret: exampleSecret?.metadata.name,
          keyInExample: true,
        });
      }
    }
    const subgraphDeployments = deployments.filter((deployment) => roleOf(deployment)?.kind === 'subgraph');
    for (const deployment of subgraphDeployments) {
      const mysql = containerOf(deployment).env?.find((variable) => variable.name === 'MYSQL_URL');
      expect(mysql?.valueFrom?.secretKeyRef?.optional).toBeFalsy();
    }
  });

  it('keeps the example Secret out of `kubectl apply -f deploy/k8s/` and fills it with placeholders only', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(exampleSecret?.metadata.name).toBe('commerce-secrets');
    expect(exampleSecret?.data).toBeUndefined();
    for (const [key, value] of Object.entries(exampleSecret?.stringData ?? {}))
      expect({ key, placeholder: value.includes('REPLACE_ME') }).toEqual({ key, placeholder: true });
  });

  it('configures production mode through the ConfigMap every Deployment loads', () => {
    for (const deployment of deployments)
      expect(plainEnv(containerOf(deployment))).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
  });

  it('autoscales the router Deployment with an autoscaling/v2 HorizontalPodAutoscaler on CPU', () => {
    const autoscalers = ofKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    const forRouter = autoscalers.filter(
      (hpa) => hpa.spec.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === router.metadata.name,
    );
    expect(forRouter).toHaveLength(1);
    const [hpa] = forRouter;
    expect(hpa!.apiVersion).toBe('autoscaling/v2');
    expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa!.spec.metrics?.map((metric) => metric.resource?.name)).toContain('cpu');
    // A CPU utilisation target is a share of the request, so one must be set.
    expect(containerOf(router).resources?.requests?.cpu).toBeDefined();
    for (const other of autoscalers)
      expect(deployments.map((deployment) => deployment.metadata.name)).toContain(other.spec.scaleTargetRef.name);
  });

  it('runs every container from the shared image as a non-root user', () => {
    const composeImage = loadCompose().services.router?.image;
    for (const deployment of deployments) {
      expect(containerOf(deployment).image).toBe(composeImage);
      const security = deployment.spec.template.spec.securityContext;
      expect({
        deployment: deployment.metadata.name,
        runAsNonRoot: security?.runAsNonRoot,
        nonRootUser: (security?.runAsUser ?? 0) > 0,
      }).toEqual({
        deployment: deployment.metadata.name,
        runAsNonRoot: true,
        nonRootUser: true,
      });
    }
  });

  it('applies the namespace before anything that lives in it', () => {
    expect(namespace).toBeDefined();
    const namespaceFile = files.findIndex((file) => file.objects.includes(namespace!));
    files.forEach((file, index) => {
      for (const object of file.objects) {
        if (object === namespace) continue;
        expect({ file: file.file, namespace: object.metadata.namespace, after: index > namespaceFile }).toEqual({
          file: file.file,
          namespace: namespace!.metadata.name,
          after: true,
        });
      }
    });
  });
});

// The compose file and the manifests must agree on the shape of a service.
describe('compose and Kubernetes together', () => {
  it('run the same entry points', () => {
    const composeEntries = Object.values(loadCompose().services)
      .map((service: ComposeService) => composeCommand(service))
      .filter((command) => command[0] === 'node')
      .map((command) => command[1])
      .sort();
    // Kubernetes runs the migration step in each subgraph pod's init container, compose once on its own.
    const k8sEntries = ofKind<Deployment>(
      loadManifests('deploy/k8s').flatMap((file) => file.objects),
      'Deployment',
    ).flatMap((deployment) => [
      containerEntry(deployment.spec.template.spec.containers[0]!),
      ...((deployment.spec.template.spec as { initContainers?: Container[] }).initContainers ?? []).map(containerEntry),
    ]);
    expect([...new Set(k8sEntries)].sort()).toEqual(composeEntries);
  });
});

describe('the migration step', () => {
  const compose = loadCompose();
  const services = compose.services;
  const migrators = Object.entries(services).filter(([, service]) => composeCommand(service)[1] === MIGRATE_ENTRY);
  const subgraphServices = Object.entries(services).filter(([, service]) => roleOfEntry(composeCommand(service)[1])?.kind === 'subgraph');
  const deployments = ofKind<Deployment>(
    loadManifests('deploy/k8s').flatMap((file) => file.objects),
    'Deployment',
  );
  const initContainersOf = (deployment: Deployment) =>
    (deployment.spec.template.spec as { initContainers?: Container[] }).initContainers ?? [];
  const roleOf = (deployment: Deployment) => roleOfEntry(containerEntry(deployment.spec.template.spec.containers[0]!));

  it('ships scripts/migrate.ts and everything it loads in the image, with production dependencies only', () => {
    const closure = runtimeClosure([MIGRATE_ENTRY]);
    expect(closure.missing).toEqual([]);
    const dockerfile = dockerfileInstructions(readProjectFile('Dockerfile'));
    const copied = dockerfile
      .filter((instruction) => instruction.keyword === 'COPY' && !instruction.args.startsWith('--from='))
      .flatMap((instruction) => instruction.args.split(/\s+/).slice(0, -1));
    const patterns = dockerignorePatterns();
    for (const file of closure.files) {
      const shipped =
        copied.some((path) => file === path || file.startsWith(`${path.replace(/\/$/, '')}/`)) && !isDockerIgnored(file, patterns);
      expect({ file, shipped }).toEqual({ file, shipped: true });
    }
    const packageJson = JSON.parse(readProjectFile('package.json')) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect([...closure.packages].filter((name) => !(name in packageJson.dependencies))).toEqual([]);
    expect(packageJson.scripts.migrate).toBe(`node ${MIGRATE_ENTRY}`);
  });

  it('runs once in compose, on the shared image in production mode, after MySQL is healthy, migrating every subgraph', () => {
    expect(migrators.map(([name]) => name)).toEqual(['migrate']);
    const [, migrate] = migrators[0]!;
    expect(composeCommand(migrate)).toEqual(['node', MIGRATE_ENTRY]);
    expect(migrate.image).toBe('commerce-supergraph:latest');
    // A finished migration is not a crash: restarting it would start it again and again.
    expect((migrate as { restart?: string }).restart).toBe('no');
    const env = composeEnvironment(migrate);
    expect(unknownVariables(Object.keys(env))).toEqual([]);
    expect(env).toMatchObject({ NODE_ENV: 'production' });
    const [mysqlName] = Object.entries(services).find(([, service]) => service.image?.startsWith('mysql:'))!;
    const url = new URL(withoutInterpolation(env.MYSQL_URL ?? '', 'INTERPOLATED'));
    expect({ host: url.hostname, port: url.port, path: url.pathname }).toEqual({ host: mysqlName, port: '3306', path: '/' });
    expect(composeDependencies(migrate)[mysqlName]).toBe('service_healthy');
  });

  it('starts every compose subgraph only after the migration step completed successfully, and none migrates itself', () => {
    expect(subgraphServices.length).toBe(SUBGRAPHS.length);
    for (const [name, service] of subgraphServices) {
      expect({ service: name, condition: composeDependencies(service).migrate }).toEqual({
        service: name,
        condition: 'service_completed_successfully',
      });
      expect({ service: name, migrateOnStart: composeEnvironment(service).MIGRATE_ON_START }).toEqual({
        service: name,
        migrateOnStart: undefined,
      });
    }
  });

  it("migrates each Kubernetes subgraph's database in an init container, with the subgraph's own database user", () => {
    for (const deployment of deployments) {
      const role = roleOf(deployment);
      const inits = initContainersOf(deployment);
      if (role?.kind !== 'subgraph') {
        expect({ deployment: deployment.metadata.name, inits }).toEqual({ deployment: deployment.metadata.name, inits: [] });
        continue;
      }
      const main = deployment.spec.template.spec.containers[0]!;
      expect(inits.map((container) => container.command)).toEqual([['node', MIGRATE_ENTRY, role.name]]);
      const [init] = inits;
      expect(init!.image).toBe(main.image);
      expect(init!.envFrom).toEqual(main.envFrom);
      const env = init!.env ?? [];
      expect(unknownVariables(env.map((variable) => variable.name))).toEqual([]);
      const refOf = (container: Container, name: string) =>
        container.env?.find((variable) => variable.name === name)?.valueFrom?.secretKeyRef;
      for (const name of ['MYSQL_URL', 'INTERNAL_AUTH_SECRET', 'JWT_PUBLIC_KEY']) {
        expect({ deployment: deployment.metadata.name, name, ref: refOf(init!, name) }).toEqual({
          deployment: deployment.metadata.name,
          name,
          ref: refOf(main, name),
        });
      }
      expect(init!.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      // The server verifies instead of migrating: MIGRATE_ON_START stays at production's default (off).
      expect(main.env?.some((variable) => variable.name === 'MIGRATE_ON_START')).toBe(false);
    }
    const configMaps = ofKind<ConfigMap>(
      loadManifests('deploy/k8s').flatMap((file) => file.objects),
      'ConfigMap',
    );
    for (const map of configMaps) expect(map.data).not.toHaveProperty('MIGRATE_ON_START');
  });
});
