import { statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_REVIEW_ROW_BYTES } from '../../subgraphs/payments/callback-review.ts';
import { CallbackReviewEntity } from '../../subgraphs/payments/entities/review.entity.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Anyone can POST to /callbacks/*, and every refused callback used to be kept
 * whole: 500 unsigned 60 KB posts grew payments' database by 31.6 MB in
 * seconds. Now each kept row is cut to what a review needs, one source's
 * refusals are kept only up to a rate, and all of them within a budget of
 * rows (so of bytes), oldest deleted first.
 */
const JUNK = JSON.stringify({ id: 'junk', resource: { ciphertext: 'x'.repeat(60 * 1024) } }).slice(0, 60 * 1024);
const WECHAT_HEADERS = {
  'content-type': 'application/json',
  'wechatpay-serial': 'forged',
  'wechatpay-signature': 'forged',
  'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)),
  'wechatpay-nonce': 'n',
};

async function flood(system: TestSystem, posts: number) {
  const statuses = new Set<number>();
  for (let batch = 0; batch < posts; batch += 25) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(25, posts - batch) }, () => system.post('/callbacks/wechatpay', WECHAT_HEADERS, JUNK)),
    );
    for (const answer of answers) statuses.add(answer.status);
  }
  return statuses;
}

const reviews = async (system: TestSystem) => {
  const payments = system.system.subgraphs.find((subgraph) => subgraph.name === 'payments')!;
  return payments.db.fork().find(CallbackReviewEntity, {});
};
const storedBytes = (rows: { reason: string; headers: string; body: string }[]) =>
  rows.reduce((sum, row) => sum + Buffer.byteLength(row.reason) + Buffer.byteLength(row.headers) + Buffer.byteLength(row.body), 0);
describe('a flood of unsigned payment callbacks', () => {
  let system: TestSystem | undefined;
  afterEach(async () => {
    await system?.close();
    system = undefined;
  });

  it('keeps at most the budget: 500 posts of 60 KB keep 50 cut rows, and the database file grows by well under a megabyte', async () => {
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      { CALLBACK_REVIEW_MAX_ROWS: '50', CALLBACK_REFUSALS_PER_MINUTE: '100000' },
    );
    const file = join(system.config.dataDir, 'payments.sqlite');
    const before = statSync(file).size;
    expect(await flood(system, 500)).toEqual(new Set([401]));
    const kept = await reviews(system);
    expect(kept).toHaveLength(50);
    expect(storedBytes(kept)).toBeLessThanOrEqual(50 * MAX_REVIEW_ROW_BYTES);
    for (const row of kept) expect(Object.keys(JSON.parse(row.headers)).sort()).not.toContain('cookie');
    // Before the budget: 31.6 MB.
    expect(statSync(file).size - before).toBeLessThan(1024 * 1024);
    await expectWellBehavedQueryAnswered(system);
  }, 120_000);

  it('keeps only CALLBACK_REFUSALS_PER_MINUTE of one source’s refusals a minute, and counts the rest', async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { CALLBACK_REFUSALS_PER_MINUTE: '30' });
    expect(await flood(system, 100)).toEqual(new Set([401]));
    expect(await reviews(system)).toHaveLength(30);
    const payments = system.system.subgraphUrls.payments!;
    const metrics = await (await fetch(new URL('/metrics', payments))).text();
    expect(metrics).toContain('payments_callback_reviews_dropped_total{reason="rate_limited"} 70');
    await expectWellBehavedQueryAnswered(system);
  }, 120_000);
});
