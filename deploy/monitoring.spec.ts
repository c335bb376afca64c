import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '../platform/config/config.ts';
import { scrapeMetrics } from '../platform/testing/metrics.ts';
import { startTestSystem, type TestSystem } from '../test/support/system.ts';
import {
  composeCommand,
  composeDependencies,
  composeEnvironment,
  existingSubgraphs,
  isRequiredInterpolation,
  listeningPort,
  loadCompose,
  ROOT,
  roleOfEntry,
} from './manifests.ts';
import {
  DASHBOARDS,
  dashboardExpressions,
  exportedMetricNames,
  loadAlertRules,
  loadDashboards,
  loadGrafanaProvisioning,
  loadPrometheusConfig,
  MONITORING,
  panelsOf,
  promqlMetricNames,
  scrapeTargets,
  selectedJobs,
} from './monitoring.ts';

/**
 * The monitoring in deploy/monitoring/: Prometheus' scrape configuration and
 * alert rules, Grafana's provisioning and dashboards, and their services in
 * docker-compose.yml. Checked by parsing (no container engine runs here) and,
 * for the metric names, against the `/metrics` of the real system: a
 * dashboard or rule that names a metric no service exports fails here.
 */

const SUBGRAPHS = existingSubgraphs();
/** Series Prometheus writes itself for every target. */
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added']);

const DASHBOARD_FILES = loadDashboards();
const RULES = loadAlertRules().groups.flatMap((group) => group.rules);
const EXPRESSIONS = [
  ...DASHBOARD_FILES.flatMap(({ file, dashboard }) =>
    dashboardExpressions(dashboard).map(({ where, expr }) => ({ where: `${file}: ${where}`, expr })),
  ),
  ...RULES.map((rule) => ({ where: `alerts.yml: ${rule.alert ?? rule.record}`, expr: rule.expr })),
];

describe('reading the metric names of a PromQL expression', () => {
  it('finds names before `{`, `[`, an operator or the end, and never functions, keywords, labels, strings or variables', () => {
    expect(
      promqlMetricNames(
        'sum by (le, job) (rate(foo_seconds_bucket{job=~"$job", code!="bar_total"}[$__rate_interval])) / on (job) group_left (route) bar_total > 0.5',
      ),
    ).toEqual(['foo_seconds_bucket', 'bar_total']);
    expect(promqlMetricNames('up == 0')).toEqual(['up']);
    expect(promqlMetricNames('max by (subgraph) (circuit_open) > 0 and ignoring (x) other_gauge offset 5m')).toEqual([
      'circuit_open',
      'other_gauge',
    ]);
    expect(promqlMetricNames('sum(rate(a_total[5m])) without (instance) unless count(b{c="d"}) bool < 1e3')).toEqual(['a_total', 'b']);
    expect(promqlMetricNames('topk(5, histogram_quantile(0.95, sum by (operation, le) (rate(h_bucket[1m]))))')).toEqual(['h_bucket']);
    expect(promqlMetricNames('label_replace(x, "dst", "$1", "src", "(.*)") * on() group_right y')).toEqual(['x', 'y']);
    expect(promqlMetricNames('sum(m) by (le)\n  # a comment naming not_a_metric\n  / scalar(n)')).toEqual(['m', 'n']);
  });

  it('reads the names a /metrics exposition declares, a histogram as its bucket, sum and count series', () => {
    const names = exportedMetricNames(
      '# HELP a_total A.\n# TYPE a_total counter\n# TYPE g gauge\ng 1\n# TYPE h_seconds histogram\nh_seconds_bucket{le="+Inf"} 0\n',
    );
    expect([...names].sort()).toEqual(['a_total', 'g', 'h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum']);
  });

  it('finds metric names in every dashboard and every rule (an empty reading would let any name through)', () => {
    for (const { file, dashboard } of DASHBOARD_FILES) {
      const names = dashboardExpressions(dashboard).flatMap(({ expr }) => promqlMetricNames(expr));
      expect({ file, names: names.length > 0 }).toEqual({ file, names: true });
    }
    for (const rule of RULES)
      expect({ rule: rule.alert, names: promqlMetricNames(rule.expr).length > 0 }).toEqual({ rule: rule.alert, names: true });
  });
});

describe('the metrics the dashboards and alert rules name', () => {
  let system: TestSystem;
  let exported: Map<string, Set<string>>;

  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
    exported = new Map();
    const services: [string, string][] = [
      ['router', system.system.routerMetricsUrl],
      ...Object.entries(system.system.subgraphUrls).map(([name, url]): [string, string] => [name, url!]),
    ];
    for (const [service, url] of services) exported.set(service, exportedMetricNames(await scrapeMetrics(url)));
  });
  afterAll(() => system?.close());

  it('scrapes the router and every subgraph', () => {
    expect([...exported.keys()].sort()).toEqual(['router', ...SUBGRAPHS].sort());
    expect(exported.get('router')).toContain('graphql_subscribers_open');
    expect(exported.get('stock')).toContain('stock_reservations_active');
  });

  it('names only metrics some service exports (or Prometheus writes for every target)', () => {
    const everywhere = new Set([...exported.values()].flatMap((names) => [...names]));
    const unknown = EXPRESSIONS.flatMap(({ where, expr }) =>
      promqlMetricNames(expr)
        .filter((name) => !everywhere.has(name) && !PROMETHEUS_OWN.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('names a metric under a job only if that job exports it', () => {
    const wrong = EXPRESSIONS.flatMap(({ where, expr }) =>
      selectedJobs(expr).flatMap((job) =>
        promqlMetricNames(expr)
          .filter((name) => !PROMETHEUS_OWN.has(name) && !exported.get(job)?.has(name))
          .map((name) => `${where}: ${name} is not exported by ${job}`),
      ),
    );
    expect(wrong).toEqual([]);
  });
});

describe('the alert rules', () => {
  it('cover the failures that matter: outbox lag, dead letters, breaker open, callback refusals, error rates, services down', () => {
    const watched = new Set(RULES.flatMap((rule) => promqlMetricNames(rule.expr)));
    for (const name of [
      'outbox_oldest_unpublished_age_seconds',
      'events_dead_lettered_messages',
      'router_subgraph_circuit_open',
      'http_requests_total',
      'graphql_errors_total',
      'up',
    ])
      expect(watched).toContain(name);
    expect(RULES.some((rule) => rule.expr.includes('/callbacks/') && /status!~"2\.\."/.test(rule.expr))).toBe(true);
  });

  it('each have a unique name, a severity and a summary, and a `for` Prometheus can read', () => {
    const names = RULES.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of RULES) {
      expect({ rule: rule.alert, severity: rule.labels?.severity, summary: typeof rule.annotations?.summary }).toEqual({
        rule: rule.alert,
        severity: expect.stringMatching(/^(critical|warning|info)$/),
        summary: 'string',
      });
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });
});

describe('the Grafana dashboards', () => {
  const { datasources } = loadGrafanaProvisioning();
  const prometheus = datasources.datasources.find((source) => source.type === 'prometheus')!;

  it('include the router, subgraphs, stock and payments dashboards, each with a unique uid and title', () => {
    expect(DASHBOARD_FILES.map(({ file }) => file)).toEqual(['payments.json', 'router.json', 'stock.json', 'subgraphs.json']);
    const uids = DASHBOARD_FILES.map(({ dashboard }) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const titles = DASHBOARD_FILES.map(({ dashboard }) => dashboard.title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('query the provisioned Prometheus in every panel, with unique panel ids', () => {
    for (const { file, dashboard } of DASHBOARD_FILES) {
      const panels = panelsOf(dashboard);
      const ids = panels.map((panel) => panel.id);
      expect({ file, unique: new Set(ids).size === ids.length }).toEqual({ file, unique: true });
      for (const panel of panels.filter((candidate) => candidate.type !== 'row')) {
        expect({ file, panel: panel.title, uid: panel.datasource?.uid }).toEqual({ file, panel: panel.title, uid: prometheus.uid });
        expect({ file, panel: panel.title, queries: (panel.targets ?? []).filter((target) => target.expr).length > 0 }).toEqual({
          file,
          panel: panel.title,
          queries: true,
        });
      }
      for (const variable of dashboard.templating?.list ?? [])
        if (variable.type === 'query') expect(variable.datasource?.uid).toBe(prometheus.uid);
    }
  });
});

describe('Prometheus and Grafana in docker-compose.yml', () => {
  const compose = loadCompose();
  const services = compose.services;
  const nodeServices = Object.entries(services).flatMap(([name, service]) => {
    const command = composeCommand(service);
    const role = command[0] === 'node' ? roleOfEntry(command[1]) : undefined;
    return role ? [{ name, service, role, env: composeEnvironment(service) }] : [];
  });
  const router = nodeServices.find((node) => node.role.kind === 'router')!;
  const [prometheusName, prometheusService] = Object.entries(services).find(([, service]) =>
    service.image?.startsWith('prom/prometheus:'),
  )!;
  const [grafanaName, grafanaService] = Object.entries(services).find(([, service]) => service.image?.startsWith('grafana/grafana:'))!;
  const config = loadPrometheusConfig();
  const { datasources, dashboards } = loadGrafanaProvisioning();
  /** The container path a project file or folder is mounted at in a service, if it is. */
  const mountOf = (volumes: string[] | undefined, source: string) =>
    (volumes ?? []).map((volume) => volume.split(':')).find(([from]) => from === `./${source}`)?.[1];

  it('scrapes every router replica on METRICS_PORT, never its public port', () => {
    const metricsPort = Number(router.env.METRICS_PORT);
    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe(listeningPort(router.role, router.env));
    expect((router.service as { expose?: string[] }).expose).toContain(String(metricsPort));
    const job = config.scrape_configs.find((candidate) => candidate.job_name === 'router')!;
    // Every replica behind the one service name (compose's DNS answers each address).
    expect(job.dns_sd_configs).toEqual([{ names: [router.name], type: 'A', port: metricsPort }]);
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
  });

  it('scrapes every subgraph on its own port, in a job named after it, and nothing else', () => {
    const jobs = config.scrape_configs.map((job) => job.job_name);
    expect(new Set(jobs).size).toBe(jobs.length);
    expect([...jobs].sort()).toEqual(['router', ...SUBGRAPHS].sort());
    for (const node of nodeServices.filter((candidate) => candidate.role.kind === 'subgraph')) {
      const job = config.scrape_configs.find((candidate) => candidate.job_name === node.name);
      expect({ job: node.name, targets: job && scrapeTargets(job) }).toEqual({
        job: node.name,
        targets: [`${node.name}:${listeningPort(node.role, node.env)}`],
      });
      expect(listeningPort(node.role, node.env)).toBe(DEFAULT_PORTS[node.name as keyof typeof DEFAULT_PORTS]);
    }
  });

  it('names only jobs Prometheus scrapes in the dashboards and rules', () => {
    const jobs = new Set(config.scrape_configs.map((job) => job.job_name));
    const unknown = EXPRESSIONS.flatMap(({ where, expr }) =>
      selectedJobs(expr)
        .filter((job) => !jobs.has(job))
        .map((job) => `${where}: ${job}`),
    );
    expect(unknown).toEqual([]);
  });

  it('mounts the configuration and the rules where the configuration reads them', () => {
    const command = composeCommand(prometheusService);
    const configFlag = command.find((arg) => arg.startsWith('--config.file='))!;
    expect(mountOf(prometheusService.volumes, `${MONITORING}/prometheus.yml`)).toBe(configFlag.split('=')[1]);
    expect(config.rule_files).toEqual([mountOf(prometheusService.volumes, `${MONITORING}/alerts.yml`)]);
    for (const volume of prometheusService.volumes ?? []) {
      const [from] = volume.split(':');
      if (from!.startsWith('./')) expect(existsSync(join(ROOT, from!))).toBe(true);
    }
  });

  it('provisions Grafana with the Prometheus service as its data source and the dashboards folder', () => {
    expect(mountOf(grafanaService.volumes, `${MONITORING}/grafana/provisioning`)).toBe('/etc/grafana/provisioning');
    const [provider] = dashboards.providers;
    expect(dashboards.providers).toHaveLength(1);
    expect(provider!.type).toBe('file');
    expect(mountOf(grafanaService.volumes, DASHBOARDS)).toBe(provider!.options.path);
    const [source] = datasources.datasources;
    expect(new URL(source!.url).host).toBe(`${prometheusName}:9090`);
    expect(source!.isDefault).toBe(true);
    expect(composeDependencies(grafanaService)[prometheusName]).toBe('service_healthy');
  });

  it('publishes both UIs on this machine only, and takes the Grafana admin password from the environment', () => {
    expect(prometheusService.ports).toEqual(['127.0.0.1:9090:9090']);
    expect(grafanaService.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(isRequiredInterpolation(composeEnvironment(grafanaService).GF_SECURITY_ADMIN_PASSWORD ?? '')).toBe(true);
    expect(prometheusService.healthcheck?.test).toBeDefined();
    expect(grafanaName).not.toBe(prometheusName);
  });
});
