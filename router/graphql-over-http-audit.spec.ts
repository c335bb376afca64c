import { auditServer } from 'graphql-http';
import { startTestSystem, type TestSystem } from '../test/support/system.ts';

/**
 * The GraphQL over HTTP specification's own server audit (graphql-http's
 * `auditServer`) against the router as `npm start` runs it: every audit
 * passes, none warns. CSRF protection stays on (the audit's requests are
 * JSON POSTs and GETs of queries, which it allows).
 */
describe('the router under the GraphQL over HTTP audit', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
  });
  afterAll(async () => {
    await system?.close();
  });

  it('passes every audit with no warning and no error', async () => {
    const results = await auditServer({ url: system.system.routerUrl });
    const notOk = results
      // Notices are the spec's MAYs: GETs are refused without a CSRF-safe header (limits/csrf.ts), so the GET ones stay notices.
      .filter((result) => result.status === 'warn' || result.status === 'error')
      .map((result) => `${result.status} ${result.id}: ${result.name} (${'reason' in result ? result.reason : ''})`);
    expect(notOk).toEqual([]);
    expect(results.length).toBeGreaterThan(30);
  });
});
