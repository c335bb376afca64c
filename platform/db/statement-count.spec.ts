import { Migration } from '@mikro-orm/migrations';
import { createMetricsRegistry, type MetricsRegistry } from '../observability/metrics.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { sampleValue } from '../testing/metrics.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { type Database, openDatabase } from './database.ts';
import { registerStatementCounters, statementsExecuted, withoutLiterals } from './statement-count.ts';

class ProbeMigration extends Migration {
  override name = '0001-test-probe';
  override up(): void {
    this.addSql('create table probe (id varchar(36) not null primary key)');
  }
}

/** How many statements `work` sent, by the process-wide counter. */
async function counted(work: () => Promise<unknown>): Promise<number> {
  const before = statementsExecuted();
  await work();
  return statementsExecuted() - before;
}

describe.each(databaseTargets())('the SQL statement counter on $label', (database) => {
  let env: TestEnvironment;
  let db: Database;
  /** The statements MikroORM's query log saw, to check the counter against. */
  let logged: string[];

  beforeEach(async () => {
    env = testEnvironment(database);
    logged = [];
    db = await openDatabase(env.config, {
      name: 'stock',
      entities: [ProbeEntity],
      migrations: [ProbeMigration],
      onQuery: (sql) => logged.push(sql),
    });
    // MySQL's driver asks the server once, on the first insert, for its auto_increment_increment, a
    // statement it keeps out of the query log; the counter sees it. One insert first makes every
    // test below measure only its own statements, alike on both databases.
    await db.transaction(db.fork(), async (tx) => tx.persist(tx.create(ProbeEntity, { id: 'warm-up' })).flush());
  });
  afterEach(async () => {
    await db.close();
    await env.cleanup();
  });

  it('counts one per ORM read and one per raw statement', async () => {
    expect(await counted(() => db.fork().find(ProbeEntity, { id: { $in: ['a', 'b'] } }))).toBe(1);
    expect(await counted(() => db.fork().findOne(ProbeEntity, { id: 'a' }))).toBe(1);
    expect(await counted(() => db.execute(db.fork(), 'select 1 as one'))).toBe(1);
    expect(await counted(() => db.run(db.fork(), 'delete from probe where id = ?', ['none']))).toBe(1);
    expect(await counted(() => db.ping())).toBe(1);
  });

  it('counts the transaction statements around a write, and a failed statement too', async () => {
    const em = db.fork();
    // begin, the insert, commit.
    expect(await counted(() => db.transaction(em, async (tx) => tx.persist(tx.create(ProbeEntity, { id: 'p1' })).flush()))).toBe(3);
    await expect(db.execute(db.fork(), 'select * from no_such_table')).rejects.toThrow();
    const failed = await counted(() => db.execute(db.fork(), 'select * from no_such_table').catch(() => undefined));
    expect(failed).toBe(1);
  });

  it('agrees with MikroORM’s own query log over a mixed run', async () => {
    logged.length = 0;
    const start = statementsExecuted();
    const em = db.fork();
    await db.transaction(em, async (tx) => {
      tx.persist([tx.create(ProbeEntity, { id: 'x1' }), tx.create(ProbeEntity, { id: 'x2' })]);
      await tx.flush();
      await db.execute(tx, 'select count(*) as n from probe');
    });
    await Promise.all(['x1', 'x2', 'x3'].map((id) => db.fork().findOne(ProbeEntity, { id })));
    await db.run(db.fork(), 'delete from probe where id = ?', ['x1']);
    const sent = statementsExecuted() - start;
    expect(logged.length).toBeGreaterThanOrEqual(8);
    expect(sent).toBe(logged.length);
  });
});

describe('the SQL statement counter on MySQL', () => reportSkippedMysql());

describe.each(databaseTargets())("one database's statements at /metrics on $label", (database) => {
  let env: TestEnvironment;
  let dbs: Database[];

  beforeEach(async () => {
    env = testEnvironment(database);
    dbs = [];
    for (const name of ['stock', 'orders'] as const)
      dbs.push(await openDatabase(env.config, { name, entities: [ProbeEntity], migrations: [ProbeMigration] }));
  });
  afterEach(async () => {
    for (const db of dbs) await db.close();
    await env.cleanup();
  });

  it("counts only that database's statements, and the time they took never goes down", async () => {
    const [stock, orders] = dbs as [Database, Database];
    const stockMetrics = createMetricsRegistry();
    const ordersMetrics = createMetricsRegistry();
    registerStatementCounters(stockMetrics, stock.orm);
    registerStatementCounters(ordersMetrics, orders.orm);
    const read = async (metrics: MetricsRegistry) => {
      const text = await metrics.render();
      return { statements: sampleValue(text, 'sql_statements_total')!, seconds: sampleValue(text, 'sql_statement_seconds_total')! };
    };
    const stockBefore = await read(stockMetrics);
    const ordersBefore = await read(ordersMetrics);

    await stock.execute(stock.fork(), 'select 1 as one');
    await stock.fork().find(ProbeEntity, {});
    await stock.run(stock.fork(), 'delete from probe where id = ?', ['none']);

    const stockAfter = await read(stockMetrics);
    expect(stockAfter.statements).toBe(stockBefore.statements + 3);
    expect(stockAfter.seconds).toBeGreaterThanOrEqual(stockBefore.seconds);
    expect(await read(ordersMetrics)).toEqual(ordersBefore);
    expect(await stockMetrics.render()).toContain('# TYPE sql_statements_total counter');
  });
});

describe('the text of a traced SQL statement', () => {
  it('keeps the statement and replaces its string and number literals with ?', () => {
    expect(
      withoutLiterals("select `e0`.* from `member` as `e0` where `e0`.`email` = 'li.wei@example.com' and `e0`.`age` > 42 limit 1"),
    ).toBe('select `e0`.* from `member` as `e0` where `e0`.`email` = ? and `e0`.`age` > ? limit ?');
    expect(withoutLiterals("insert into t (a, b) values ('it''s', 'x\\'y'), (3.5, 'z')")).toBe(
      'insert into t (a, b) values (?, ?), (?, ?)',
    );
    expect(withoutLiterals(`select '${'a'.repeat(5000)}`)).toBe('select ?');
  });
});
