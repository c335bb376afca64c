import { buildSchema, type ExecutionResult, getOperationAST, parse } from 'graphql';
import { ANONYMOUS, type Identity } from '../../platform/auth/identity.ts';
import type { FieldRequirement } from '../../platform/auth/schema-auth.ts';
import { fieldFilterFor } from './field-filter.ts';

const schema = buildSchema(`
  type Query { _: Boolean }
  type Subscription { changed: Change! }
  type Change { sku: Sku! onHand: Int reason: String! lines: [Line!] note: String }
  type Sku { code: String! cost: Int }
  type Line { qty: Int! secret: Int! }
`);
const stockRead: FieldRequirement = { authenticated: false, scopes: [['stock:read']] };
const requirements = new Map<string, FieldRequirement>([
  ['Change.onHand', stockRead],
  ['Change.reason', stockRead],
  ['Sku.cost', { authenticated: false, scopes: [['catalogue:read'], ['catalogue:write']] }],
  ['Line.secret', stockRead],
  ['Change.note', { authenticated: true, scopes: null }],
]);
const member: Identity = { kind: 'member', subject: 'm-1', scopes: [] };
const reader: Identity = { kind: 'staff', subject: 's-1', scopes: ['stock:read', 'catalogue:read'] };

const filterFor = (query: string, identity: Identity, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return fieldFilterFor({ schema, document, operation: getOperationAST(document)!, variables, requirements, identity });
};
const errorsOf = (result: ExecutionResult) => (result.errors ?? []).map((error) => ({ path: error.path, code: error.extensions.code }));

describe('the per-subscriber field filter of a shared stream', () => {
  const event = (): ExecutionResult => ({
    data: { changed: { sku: { code: 'A', cost: 7 }, onHand: 5, live: 5, lines: [{ qty: 1, secret: 2 }], note: 'n' } },
  });

  it('gives a subscriber who may see everything the event itself', () => {
    const result = event();
    expect(filterFor('subscription { changed { onHand sku { code cost } } }', reader)(result)).toBe(result);
  });

  it('nulls a refused nullable field with FORBIDDEN at its path, leaves the rest, and does not touch the shared event', () => {
    const result = event();
    const filtered = filterFor('subscription { changed { onHand live: onHand sku { code cost } } }', member)(result);
    expect(filtered.data).toEqual({
      changed: { sku: { code: 'A', cost: null }, onHand: null, live: null, lines: [{ qty: 1, secret: 2 }], note: 'n' },
    });
    expect(errorsOf(filtered)).toEqual([
      { path: ['changed', 'onHand'], code: 'FORBIDDEN' },
      { path: ['changed', 'live'], code: 'FORBIDDEN' },
      { path: ['changed', 'sku', 'cost'], code: 'FORBIDDEN' },
    ]);
    expect(filtered.errors?.[0]?.message).toMatch(/Change\.onHand requires the scope stock:read/);
    expect(result).toEqual(event());
  });

  it('nulls the nearest nullable parent of a refused non-null field, as execution would', () => {
    const inList = filterFor('subscription { changed { lines { qty secret } } }', member)(event());
    // Line.secret is non-null, so its line goes; [Line!] cannot hold a null, so the list goes; `lines` itself may be null.
    expect(inList.data).toEqual({ changed: expect.objectContaining({ lines: null }) });
    expect(errorsOf(inList)).toEqual([{ path: ['changed', 'lines', 0, 'secret'], code: 'FORBIDDEN' }]);

    const atRoot = filterFor('subscription { changed { reason } }', member)({ data: { changed: { reason: 'RESERVE o-1' } } });
    expect(atRoot.data).toBeNull();
    expect(errorsOf(atRoot)).toEqual([{ path: ['changed', 'reason'], code: 'FORBIDDEN' }]);
  });

  it('refuses an anonymous subscriber what needs a signed-in caller with UNAUTHENTICATED', () => {
    const filtered = filterFor('subscription { changed { note } }', ANONYMOUS)(event());
    expect(filtered.data).toEqual({ changed: expect.objectContaining({ note: null }) });
    expect(errorsOf(filtered)).toEqual([{ path: ['changed', 'note'], code: 'UNAUTHENTICATED' }]);
    expect(filterFor('subscription { changed { note } }', member)(event()).errors).toBeUndefined();
  });

  it('follows fragments, and leaves alone what @skip leaves out', () => {
    const query = `subscription ($bare: Boolean!) { changed { ...Figures sku { code cost @skip(if: $bare) } } }
      fragment Figures on Change { onHand }`;
    const filtered = filterFor(query, member, { bare: true })(event());
    expect(errorsOf(filtered)).toEqual([{ path: ['changed', 'onHand'], code: 'FORBIDDEN' }]);
  });

  it('filters an event once per identity shape: subscribers alike get the same copy, others their own', () => {
    const query = 'subscription { changed { onHand } }';
    const result = event();
    const first = filterFor(query, member)(result);
    expect(filterFor(query, { ...member, subject: 'm-2' })(result)).toBe(first);
    const catalogueOnly = filterFor(query, { kind: 'staff', subject: 's-2', scopes: ['catalogue:read'] })(result);
    expect(catalogueOnly).not.toBe(first);
    expect(catalogueOnly.errors?.[0]?.message).toMatch(/holds \[catalogue:read\]/);
    // A new event is filtered anew.
    expect(filterFor(query, member)(event())).not.toBe(first);
  });
});
