import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, readProjectFile } from './manifests.ts';

/**
 * Readers for the monitoring files in deploy/monitoring/ (Prometheus' scrape
 * configuration and alert rules, Grafana's provisioning and dashboards), for
 * deploy/monitoring.spec.ts, and the PromQL reading that finds the metric
 * names an expression uses.
 */

export const MONITORING = 'deploy/monitoring';
export const DASHBOARDS = `${MONITORING}/grafana/dashboards`;

// ---------------------------------------------------------------------------
// PromQL

/**
 * Words PromQL reserves: aggregation operators (which may stand before `by`
 * rather than before their parenthesis), set and comparison modifiers, and
 * the number literals. A function is recognised by the `(` after it instead.
 */
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
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
  'atan2',
  'inf',
  'nan',
]);

/**
 * The metric names an expression selects, in order of first use. Strings,
 * label matchers, ranges, Grafana variables, numbers and durations are taken
 * out first, and so are the label lists of by/without/on/ignoring/group_*;
 * what is left that is neither a reserved word nor followed by `(` (a
 * function) is a metric name, whether `{`, `[`, an operator or nothing follows.
 */
export function promqlMetricNames(expression: string): string[] {
  const text = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, '$1 ()')
    .replace(/(?<![\w:])\d[\w.]*/g, ' 0 ')
    .replace(/#[^\n]*/g, ' ');
  const names: string[] = [];
  for (const match of text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const following = text.slice(match.index + name.length).trimStart();
    if (following.startsWith('(') || PROMQL_WORDS.has(name.toLowerCase())) continue;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The metric names a `/metrics` exposition declares (its `# TYPE` lines, so a
 * counter not yet incremented counts too): a histogram as the series PromQL
 * selects, `<name>_bucket`, `<name>_sum` and `<name>_count`.
 */
export function exportedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    if (type === 'histogram' || type === 'summary') {
      for (const suffix of ['_bucket', '_sum', '_count']) if (type === 'histogram' || suffix !== '_bucket') names.add(`${name}${suffix}`);
      if (type === 'summary') names.add(name);
    } else names.add(name);
  }
  return names;
}

/** The job label values an expression selects with `job="..."` (exact matches only). */
export function selectedJobs(expression: string): string[] {
  return [...expression.matchAll(/\bjob\s*=\s*"([^"]*)"/g)].map((match) => match[1]!);
}

// ---------------------------------------------------------------------------
// Prometheus

export type ScrapeJob = {
  job_name: string;
  metrics_path?: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
};
export type PrometheusConfig = { global?: Record<string, string>; rule_files?: string[]; scrape_configs: ScrapeJob[] };

export function loadPrometheusConfig(): PrometheusConfig {
  return parse(readProjectFile(`${MONITORING}/prometheus.yml`)) as PrometheusConfig;
}

/** Every host:port a job scrapes. */
export function scrapeTargets(job: ScrapeJob): string[] {
  return [
    ...(job.static_configs ?? []).flatMap((config) => config.targets),
    ...(job.dns_sd_configs ?? []).flatMap((config) => config.names.map((name) => `${name}:${config.port}`)),
  ];
}

export type AlertRule = {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
export type RuleFile = { groups: { name: string; rules: AlertRule[] }[] };

export function loadAlertRules(): RuleFile {
  return parse(readProjectFile(`${MONITORING}/alerts.yml`)) as RuleFile;
}

// ---------------------------------------------------------------------------
// Grafana

export type DashboardPanel = {
  id?: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { refId: string; expr?: string; datasource?: { type?: string; uid?: string } }[];
  panels?: DashboardPanel[];
};
export type TemplateVariable = { name: string; type: string; query?: string | { query?: string }; datasource?: { uid?: string } };
export type Dashboard = {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating?: { list: TemplateVariable[] };
};

export function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(join(ROOT, DASHBOARDS))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readProjectFile(`${DASHBOARDS}/${file}`)) as Dashboard }));
}

/** Every panel, rows' collapsed panels included. */
export function panelsOf(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Every PromQL expression of a dashboard, where it is: panel queries, and
 * query variables (Grafana's `label_values(<selector>, <label>)` contributes
 * its selector; `<label>` is a label, not a metric).
 */
export function dashboardExpressions(dashboard: Dashboard): { where: string; expr: string }[] {
  const found: { where: string; expr: string }[] = [];
  for (const panel of panelsOf(dashboard))
    for (const target of panel.targets ?? []) if (target.expr) found.push({ where: `${panel.title} ${target.refId}`, expr: target.expr });
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
    const labelValues = /^\s*label_values\(\s*(.*?)\s*,\s*[a-zA-Z_]\w*\s*\)\s*$/s.exec(query);
    found.push({ where: `variable ${variable.name}`, expr: labelValues ? labelValues[1]! : query });
  }
  return found;
}

export type GrafanaDatasources = { datasources: { name: string; uid: string; type: string; url: string; isDefault?: boolean }[] };
export type GrafanaDashboardProviders = { providers: { name: string; type: string; options: { path: string } }[] };

export function loadGrafanaProvisioning(): { datasources: GrafanaDatasources; dashboards: GrafanaDashboardProviders } {
  const base = `${MONITORING}/grafana/provisioning`;
  return {
    datasources: parse(readProjectFile(`${base}/datasources/prometheus.yml`)) as GrafanaDatasources,
    dashboards: parse(readProjectFile(`${base}/dashboards/commerce.yml`)) as GrafanaDashboardProviders,
  };
}
