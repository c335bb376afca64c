import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { contractExamples, contractOperation } from '../support/contract.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Text with NUL, other control characters or bidirectional overrides once
 * reached storage: NUL made registerMember, createProduct and requestInvoice
 * fail with INTERNAL and the database's own message, and placeOrder stored it
 * (and a right-to-left override) in the shipping name. A megabyte name came
 * back as a megabyte error. Now each is a user error naming the field, nothing
 * is written, and no message quotes more than an excerpt of the input.
 */
const REGISTER_MEMBER = contractOperation('members.graphql', 'RegisterMember');
const CREATE_PRODUCT = contractOperation('catalogue.graphql', 'CreateProduct');
const REQUEST_INVOICE = contractOperation('invoices.graphql', 'RequestInvoice');
const PLACE_ORDER = contractOperation('orders.graphql', 'PlaceOrder');
const examples = contractExamples();

type UserError = { code: string; field: string | null; message: string };
type Payload = { userErrors: UserError[] } & Record<string, unknown>;

const withText = (example: Record<string, unknown>, path: string[], text: string): Record<string, unknown> => {
  const copy = structuredClone(example);
  let target = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path.at(-1)!] = text;
  return copy;
};

describe('hostile text in inputs', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
  });
  afterAll(async () => {
    await system?.close();
  });

  const send = async (operation: string, field: string, variables: Record<string, unknown>, token?: string) => {
    const { status, body } = await system.graphql<Record<string, Payload>>(operation, variables, token);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data![field]!;
  };

  it.each([
    ['registerMember', 'input.name', 'a NUL', 'Li\u0000Wei'],
    ['registerMember', 'input.name', 'a right-to-left override', 'Li \u202Egnp.exe'],
    ['createProduct', 'input.name', 'a NUL', 'Brake\u0000pad'],
    ['requestInvoice', 'input.buyer.name', 'a NUL', 'Shanghai\u0000Auto'],
    ['placeOrder', 'input.shippingAddress.name', 'a NUL', 'Li\u0000Wei'],
    ['placeOrder', 'input.shippingAddress.name', 'a right-to-left isolate', 'Li \u2067Wei'],
    ['placeOrder', 'input.shippingAddress.line1', 'an escape character', '88 Century\u001b[2J Ave'],
  ])('%s refuses %s with %s as INVALID_VALUE naming the field, and writes nothing', async (mutation, field, _what, text) => {
    const staff = await system.staffToken(['catalogue:write', 'invoices:write', 'orders:write']);
    const cases: Record<string, [string, string, string[], string | undefined]> = {
      registerMember: [REGISTER_MEMBER, 'RegisterMember', ['input', 'name'], undefined],
      createProduct: [CREATE_PRODUCT, 'CreateProduct', ['input', 'name'], staff],
      requestInvoice: [REQUEST_INVOICE, 'RequestInvoice', ['input', 'buyer', 'name'], staff],
      placeOrder: [PLACE_ORDER, 'PlaceOrder', field.split('.'), undefined],
    };
    const [operation, example, path, token] = cases[mutation]!;
    const variables = withText(examples[example]!, path, text);
    const payload = await send(operation, mutation, variables, token);
    expect(payload.userErrors).toEqual([
      { code: 'INVALID_VALUE', field, message: expect.stringMatching(/must not contain control or bidirectional-override characters/) },
    ]);
    // Nothing written: the resolver never ran, so the payload carries no object.
    expect(Object.entries(payload).filter(([key, value]) => key !== 'userErrors' && value !== null)).toEqual([]);
    await expectWellBehavedQueryAnswered(system);
  });

  it('answers a 1,000,000-character name with a short message quoting only an excerpt', async () => {
    // Just under the router's 1 MiB body limit, as in the finding.
    const huge = 'x'.repeat(1_000_000);
    const variables = withText(examples.PlaceOrder!, ['input', 'shippingAddress', 'name'], huge);
    const response = await system.graphql<Record<string, Payload>>(PLACE_ORDER, variables);
    const text = JSON.stringify(response.body);
    expect(text.length).toBeLessThan(2000);
    expect(text).toMatch(/shippingAddress\.name/);
    await expectWellBehavedQueryAnswered(system);
  });
});
