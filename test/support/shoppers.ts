import { contractExamples, contractOperation } from './contract.ts';
import type { TestSystem } from './system.ts';

const REGISTER_MEMBER = contractOperation('members.graphql', 'RegisterMember');
const LOGIN = contractOperation('members.graphql', 'Login');
const PLACE_ORDER = contractOperation('orders.graphql', 'PlaceOrder');

/** A member registered and logged in for real, as the web client does it: the token is the members subgraph's own. */
export async function registeredMemberToken(system: TestSystem, name: string, email: string): Promise<string> {
  const password = 'a long test-member password';
  const registered = await system.graphql(REGISTER_MEMBER, { input: { name, email, password } });
  if (registered.body.errors) throw new Error(`registering ${email} failed: ${JSON.stringify(registered.body.errors)}`);
  const login = await system.graphql<{ login: { token: string } }>(LOGIN, { input: { email, password } });
  return login.body.data!.login.token;
}

/** The contract's example order (no coupon), placed by `token`'s caller; its id, or an error naming the user errors. */
export async function placeExampleOrder(system: TestSystem, token: string | undefined, idempotencyKey: string): Promise<string> {
  const input = { ...(contractExamples().PlaceOrder as { input: object }).input, couponCode: null, idempotencyKey };
  const { body } = await system.graphql<{ placeOrder: { order: { id: string } | null; userErrors: unknown[] } }>(
    PLACE_ORDER,
    { input },
    token,
  );
  if (!body.data?.placeOrder.order) throw new Error(`placing ${idempotencyKey} failed: ${JSON.stringify(body)}`);
  return body.data.placeOrder.order.id;
}
