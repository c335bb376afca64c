import { expectWellBehavedQueryAnswered, rawRequest } from '../support/abuse.ts';
import { contractOperation } from '../support/contract.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Five wrong passwords used to lock any account for 15 minutes, so anyone
 * who knew an email could lock its owner out. Now failures slow the address
 * they come from, for that account: a stranger guessing from one address
 * gets LOGIN_THROTTLED with growing waits, while the owner, from another
 * address, logs in. The two callers here connect from two loopback
 * addresses (127.0.0.2 and 127.0.0.3), as two machines would.
 */
const REGISTER_MEMBER = contractOperation('members.graphql', 'RegisterMember');
const LOGIN = contractOperation('members.graphql', 'Login');
const PASSWORD = 'the owner’s long password';

type LoginAnswer = { data?: { login: { token: string | null; userErrors: { code: string; message: string }[] } } };

describe('password guessing against one account', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
  });
  afterAll(async () => {
    await system?.close();
  });

  /** Logs in from the given local address, as a client on another machine would. */
  const loginFrom = async (localAddress: string, password: string) => {
    const body = JSON.stringify({ query: LOGIN, variables: { input: { email: 'owner@example.com', password } } });
    const headers = { 'content-type': 'application/json' };
    const answer = await rawRequest(system.system.routerUrl, { path: '/graphql', method: 'POST', body, headers, localAddress });
    return JSON.parse(answer.body) as LoginAnswer;
  };

  it('slows the stranger’s address with LOGIN_THROTTLED (doubling waits: login-throttle.spec.ts), and lets the owner in from another address', async () => {
    const registered = await system.graphql(REGISTER_MEMBER, { input: { name: 'Owner', email: 'owner@example.com', password: PASSWORD } });
    expect(registered.body.errors).toBeUndefined();

    const codes: string[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await loginFrom('127.0.0.2', `guess ${i}`);
      const error = answer.data!.login.userErrors[0]!;
      codes.push(error.code);
      const wait = /retry in (\d+) s/.exec(error.message)?.[1];
      if (wait) waits.push(Number(wait));
    }
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('INVALID_CREDENTIALS'));
    expect(new Set(codes.slice(5))).toEqual(new Set(['LOGIN_THROTTLED']));
    // Even the right password is not checked from the throttled address until its wait has passed.
    expect((await loginFrom('127.0.0.2', PASSWORD)).data!.login.userErrors[0]!.code).toBe('LOGIN_THROTTLED');
    expect(waits.every((wait) => wait >= 1)).toBe(true);

    const owner = await loginFrom('127.0.0.3', PASSWORD);
    expect(owner.data!.login.userErrors).toEqual([]);
    expect(owner.data!.login.token).toEqual(expect.any(String));
    await expectWellBehavedQueryAnswered(system);
  });
});
