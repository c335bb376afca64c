import { DefaultLogger, type LogContext, type LoggerOptions, type MikroORM } from '@mikro-orm/core';
import type { MetricsRegistry } from '../observability/metrics.ts';
import { childSpan, SpanKind, serviceTracer } from '../observability/tracing.ts';

/**
 * How many SQL statements this process has sent to its databases so far, over
 * every database it opened (all six subgraphs share one process in the
 * embedded start and in bench/). The benchmark reads it before and after a run
 * to report statements per subgraph request, which is how an N+1 query or a
 * lost DataLoader batch shows up.
 *
 * Where it counts: MikroORM's connection reports every statement it executes
 * to its logger's `logQuery`, whether debug logging is on or not: ORM reads
 * and flushes, query builders, raw SQL through `Connection.execute` (the kit's
 * `db.execute`/`db.run`), and the transaction statements (begin, commit,
 * rollback, savepoints) it sends through Kysely. The same path serves SQLite
 * and MySQL. Failed statements count too: they reached the database, and so
 * do statements MikroORM keeps out of its query log (`enabled: false`, such
 * as the MySQL driver's one-off `show variables like 'auto_increment_increment'`).
 * A counter increment per statement, so it is always on.
 */
let executed = 0;

export function statementsExecuted(): number {
  return executed;
}

let watcher: ((sql: string) => void) | null = null;

/**
 * Shows every counted statement's text to `listener` (null stops it), so a
 * benchmark can tell which statements a request runs and not only how many
 * (bench/light-page-cost.ts). One listener at a time; off, it costs nothing.
 */
export function watchStatements(listener: ((sql: string) => void) | null): void {
  watcher = listener;
}

/**
 * MikroORM's default logger plus the count; `openDatabase` installs it as
 * `loggerFactory`. Only the `query` namespace is a statement: with
 * `slowQueryThreshold` set, the same statement is reported again under
 * `slow-query`, which must not count twice.
 */
class CountingLogger extends DefaultLogger {
  /** This ORM's own statements and the milliseconds MikroORM timed them at (one database, for its /metrics). */
  statements = 0;
  milliseconds = 0;

  override logQuery(context: { query: string } & LogContext): void {
    if ((context.namespace ?? 'query') === 'query') {
      executed += 1;
      this.statements += 1;
      this.milliseconds += context.took ?? 0;
      watcher?.(context.query);
      traceStatement(context.query, context.took ?? 0);
    }
    super.logQuery(context);
  }
}

/**
 * A span per statement, a child of the work that ran it (a request, a
 * consumer), when the service traces. Here rather than through the mysql2
 * instrumentation because one place then serves MariaDB and the embedded
 * SQLite alike, under Jest as in production, and names the right service when
 * several share a process. MikroORM reports a statement once it has run, so
 * the span starts `took` ms back. The text is kept without its literals:
 * MikroORM's log text has the bound values inlined, and they may be personal.
 */
function traceStatement(sql: string, tookMs: number): void {
  if (!serviceTracer()) return;
  const operation = operationOf(sql);
  const span = childSpan(`SQL ${operation}`, {
    kind: SpanKind.CLIENT,
    startTime: Date.now() - tookMs,
    attributes: { 'db.operation.name': operation, 'db.query.text': withoutLiterals(sql) },
  });
  span?.end();
}

function operationOf(sql: string): string {
  return /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'STATEMENT';
}

/** String and number literals replaced by `?`, at most 2,000 characters. */
export function withoutLiterals(sql: string): string {
  return sql
    .slice(0, 2000)
    .replace(/'(?:[^'\\]|\\.|'')*'?/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?');
}

/**
 * One database's statements at `/metrics`, as counters since start: how many
 * were sent, and the seconds they took as MikroORM times them (statements it
 * does not time, such as Kysely's transaction statements, add none). A rate
 * of the first is statements per second; the second over the first is the
 * mean statement time.
 */
export function registerStatementCounters(metrics: MetricsRegistry, orm: MikroORM): void {
  const logger = orm.config.getLogger();
  if (!(logger instanceof CountingLogger)) return;
  metrics.counterReader('sql_statements_total', "SQL statements sent to this service's database, since start.", () => logger.statements);
  metrics.counterReader(
    'sql_statement_seconds_total',
    "Seconds this service's SQL statements took, as the ORM times them, since start.",
    () => logger.milliseconds / 1000,
  );
}

export const countingLoggerFactory = (options: LoggerOptions): DefaultLogger => new CountingLogger(options);
