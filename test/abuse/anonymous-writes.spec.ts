import { memoryRateLimiter } from '../../router/limits/rate-limit.ts';
import { expectWellBehavedQueryAnswered, rawRequest } from '../support/abuse.ts';
import { contractOperation } from '../support/contract.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Registering and a guest's checkout are how a caller who is not signed in
 * stores something; without a bound, one address could create members (or
 * guest orders) as fast as the subgraphs write. Anonymous mutations now draw
 * from a bucket per client address (ANONYMOUS_MUTATIONS_PER_MINUTE; 10 here).
 * The router's limiter runs on a clock that stands still, so however slowly
 * the machine registers, no token is refilled during the test.
 */
const REGISTER_MEMBER = contractOperation('members.graphql', 'RegisterMember');

describe('anonymous writes from one address', () => {
  let system: TestSystem;
  beforeAll(async () => {
    const stoppedClock = Date.now();
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      { ANONYMOUS_MUTATIONS_PER_MINUTE: '10' },
      { rateLimiter: memoryRateLimiter(() => stoppedClock) },
    );
  });
  afterAll(async () => {
    await system?.close();
  });

  const register = (i: number, localAddress: string) =>
    rawRequest(system.system.routerUrl, {
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      localAddress,
      body: JSON.stringify({
        query: REGISTER_MEMBER,
        variables: { input: { name: `Flood ${i}`, email: `flood${i}@example.com`, password: 'a long enough password' } },
      }),
    });

  it('are refused past the limit with 429 RATE_LIMITED and store nothing more, while another address and readers go on', async () => {
    const answers = [];
    for (let i = 0; i < 15; i++) answers.push(await register(i, '127.0.0.2'));
    expect(answers.slice(0, 10).map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(answers.slice(10).map((answer) => answer.status)).toEqual(Array(5).fill(429));
    const refused = JSON.parse(answers[14]!.body) as { errors: { extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(refused.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });

    const members = system.system.subgraphs.find((subgraph) => subgraph.name === 'members')!.db;
    const [row] = await members.execute<{ n: number }>(members.fork(), "select count(*) as n from member where email like 'flood%'");
    expect(Number(row!.n)).toBe(10);

    expect((await register(99, '127.0.0.3')).status).toBe(200);
    await expectWellBehavedQueryAnswered(system);
  });
});
