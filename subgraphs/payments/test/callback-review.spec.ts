import { createLogger } from '../../../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql } from '../../../platform/testing/databases.ts';
import { keepForReview, MAX_REVIEW_ROW_BYTES } from '../callback-review.ts';
import type { CallbackDeps } from '../callbacks.ts';
import { CallbackReviewEntity } from '../entities/review.entity.ts';
import { paymentsSuite } from './fixtures.ts';

/** The budget of kept refused callbacks (callback-review.ts), on each database. */
describe.each(databaseTargets())('kept refused callbacks on $label', (target) => {
  const suite = paymentsSuite(target);
  let deps: CallbackDeps;
  beforeAll(() => {
    const { db } = suite.system.payments.server;
    deps = {
      db,
      events: undefined as unknown as CallbackDeps['events'],
      log: createLogger('payments', { write: () => undefined }),
      config: { ...suite.env.config, callbackReview: { maxRows: 3, maxBytes: 64 * 1024 * 1024, refusalsPerMinutePerSource: 1000 } },
    };
  });
  const kept = () => suite.system.payments.server.db.fork().find(CallbackReviewEntity, {}, { orderBy: { id: 'asc' } });

  it('deletes the oldest unsigned reviews past the budget, never a signed one, and cuts each row to its byte budget', async () => {
    await keepForReview(
      deps,
      'wechatpay',
      'genuine but for a closed payment: refund by hand',
      { 'x-forwarded-for': '10.0.0.9' },
      'signed',
      {
        signed: true,
      },
    );
    for (let i = 0; i < 10; i += 1) {
      await keepForReview(
        deps,
        'wechatpay',
        `forged ${i} ${'r'.repeat(2000)}`,
        { 'x-forwarded-for': '203.0.113.7', cookie: 'secret', 'wechatpay-signature': 's'.repeat(5000) },
        `junk ${i} ${'界'.repeat(10_000)}`,
        { signed: false },
      );
    }
    const rows = await kept();
    expect(rows.filter((row) => row.signed).map((row) => row.body)).toEqual(['signed']);
    const unsigned = rows.filter((row) => !row.signed);
    expect(unsigned.map((row) => row.reason.split(' ').slice(0, 2).join(' '))).toEqual(['forged 7', 'forged 8', 'forged 9']);
    for (const row of unsigned) {
      expect(Buffer.byteLength(row.reason) + Buffer.byteLength(row.headers) + Buffer.byteLength(row.body)).toBeLessThanOrEqual(
        MAX_REVIEW_ROW_BYTES,
      );
      expect(JSON.parse(row.headers)).not.toHaveProperty('cookie');
    }
  });
});

reportSkippedMysql();
