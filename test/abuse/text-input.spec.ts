import type { SubgraphName } from '../../platform/config/config.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { contractExamples, contractOperation } from '../support/contract.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Text with NUL, other control characters or bidirectional overrides once
 * reached storage: NUL made registerMember, createProduct and requestInvoice
 * fail with INTERNAL and the database's own message, and placeOrder stored it
 * (and a right-to-left override) in the shipping name. A megabyte name came
 * back as a megabyte error. Now each is a user error naming the field
 * (INVALID_TEXT, or TEXT_TOO_LONG past the kit's bound), no row is written, and
 * no message quotes more than an excerpt of the input.
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

  /** The rows of the table each mutation would have written to, read from its subgraph's own database. */
  const storedRows = async (subgraph: SubgraphName, table: string): Promise<number> => {
    const server = system.system.subgraphs.find((candidate) => candidate.name === subgraph)!;
    const [row] = await server.db.execute<{ n: number }>(server.db.fork(), `select count(*) as n from ${table}`);
    return Number(row!.n);
  };

  const send = async (operation: string, field: string, variables: Record<string, unknown>, token?: string) => {
    const { status, body } = await system.graphql<Record<string, Payload>>(operation, variables, token);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data![field]!;
  };

  const cases: Record<string, { operation: string; example: string; token: boolean; table: [SubgraphName, string] }> = {
    registerMember: { operation: REGISTER_MEMBER, example: 'RegisterMember', token: false, table: ['members', 'member'] },
    createProduct: { operation: CREATE_PRODUCT, example: 'CreateProduct', token: true, table: ['catalogue', 'product'] },
    requestInvoice: { operation: REQUEST_INVOICE, example: 'RequestInvoice', token: true, table: ['invoices', 'invoice'] },
    placeOrder: { operation: PLACE_ORDER, example: 'PlaceOrder', token: false, table: ['orders', 'sales_order'] },
  };

  it.each([
    ['registerMember', 'input.name', 'a NUL', 'INVALID_TEXT', 'Li\u0000Wei'],
    ['registerMember', 'input.name', 'a right-to-left override', 'INVALID_TEXT', 'Li \u202Egnp.exe'],
    ['createProduct', 'input.name', 'a NUL', 'INVALID_TEXT', 'Brake\u0000pad'],
    ['createProduct', 'input.description', '5,000 characters', 'TEXT_TOO_LONG', 'd'.repeat(5000)],
    ['requestInvoice', 'input.buyer.name', 'a NUL', 'INVALID_TEXT', 'Shanghai\u0000Auto'],
    ['placeOrder', 'input.shippingAddress.name', 'a NUL', 'INVALID_TEXT', 'Li\u0000Wei'],
    ['placeOrder', 'input.shippingAddress.name', 'a right-to-left override', 'INVALID_TEXT', 'Li \u202EieW'],
    ['placeOrder', 'input.shippingAddress.name', 'a right-to-left isolate', 'INVALID_TEXT', 'Li \u2067Wei'],
    ['placeOrder', 'input.shippingAddress.line1', 'an escape character', 'INVALID_TEXT', '88 Century\u001b[2J Ave'],
    ['placeOrder', 'input.shippingAddress.line2', '5,000 characters', 'TEXT_TOO_LONG', 'x'.repeat(5000)],
  ])('%s refuses %s holding %s with %s naming the field, and stores no row', async (mutation, field, _what, code, text) => {
    const { operation, example, token, table } = cases[mutation]!;
    const staff = token ? await system.staffToken(['catalogue:write', 'invoices:write', 'orders:write']) : undefined;
    const variables = withText(examples[example]!, field.split('.'), text);
    const before = await storedRows(...table);
    const payload = await send(operation, mutation, variables, staff);
    const rule =
      code === 'INVALID_TEXT'
        ? /must not contain control or bidirectional-override characters/
        : /must have at most 4096 characters; received 5000$/;
    expect(payload.userErrors).toEqual([{ code, field, message: expect.stringMatching(rule) }]);
    expect(Object.entries(payload).filter(([key, value]) => key !== 'userErrors' && value !== null)).toEqual([]);
    expect(await storedRows(...table)).toBe(before);
    await expectWellBehavedQueryAnswered(system);
  });

  it('stores the same input once its text is clean, so the refusals above were about the text alone', async () => {
    const before = await storedRows('members', 'member');
    const payload = await send(REGISTER_MEMBER, 'registerMember', withText(examples.RegisterMember!, ['input', 'name'], 'Li Wei'));
    expect(payload.userErrors).toEqual([]);
    expect(await storedRows('members', 'member')).toBe(before + 1);
  });

  it('answers a 1,000,000-character name with a short message quoting only an excerpt', async () => {
    // Just under the router's 1 MiB body limit, as in the finding.
    const huge = 'x'.repeat(1_000_000);
    const variables = withText(examples.PlaceOrder!, ['input', 'shippingAddress', 'name'], huge);
    const response = await system.graphql<Record<string, Payload>>(PLACE_ORDER, variables);
    const text = JSON.stringify(response.body);
    expect(text.length).toBeLessThan(1000);
    expect(response.body.data?.placeOrder?.userErrors).toEqual([
      {
        code: 'TEXT_TOO_LONG',
        field: 'input.shippingAddress.name',
        message: 'input.shippingAddress.name must have at most 4096 characters; received 1000000',
      },
    ]);
    await expectWellBehavedQueryAnswered(system);
  });

  it("answers a 1,000,000-character value the router's variable coercion refuses with a message cut short", async () => {
    // graphql-js quotes the whole value it cannot coerce ("Variable \"$input\" got invalid value ..."): the error formatting cuts it.
    const variables = structuredClone(examples.PlaceOrder!) as { input: { lines: { quantity: unknown }[] } };
    variables.input.lines[0]!.quantity = 'x'.repeat(1_000_000);
    const { status, body } = await system.graphql(PLACE_ORDER, variables);
    // A request the router cannot coerce is a 400 for a client accepting application/graphql-response+json.
    expect(status).toBe(400);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(body).length).toBeLessThan(1000);
    expect(body.errors![0]!.message).toMatch(/^Variable "\$input" got invalid value "x+\.\.\. \(message cut from \d+ characters\)$/);
    await expectWellBehavedQueryAnswered(system);
  });
});
