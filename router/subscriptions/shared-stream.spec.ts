import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { FieldRequirement } from '../../platform/auth/schema-auth.ts';
import { sharedStreamFields, streamIdentity } from './shared-stream.ts';

describe('shared streams', () => {
  it('reads @sharedStream from the composed supergraph: stockChanged is shared, orderUpdated is not', () => {
    const supergraph = parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8'));
    expect([...sharedStreamFields(supergraph)]).toEqual(['Subscription.stockChanged']);
  });

  it('reads the directive under the name its link imports it as, and only from our own spec', () => {
    const sdl = (link: string) =>
      parse(`schema ${link} { query: Query subscription: Live }
        type Query { _: Boolean }
        type Live { a: Int @shared b: Int @sharedStream c: Int }`);
    const renamed = '@link(url: "https://shop.example/specs/sharedStream/v0.1", import: [{ name: "@sharedStream", as: "@shared" }])';
    expect([...sharedStreamFields(sdl(renamed))]).toEqual(['Live.a']);
    expect([...sharedStreamFields(sdl('@link(url: "https://shop.example/specs/sharedStream/v0.1", import: ["@sharedStream"])'))]).toEqual([
      'Live.b',
    ]);
    // Someone else's directive of the same name shares nothing.
    expect([...sharedStreamFields(sdl('@link(url: "https://elsewhere.example/sharedStream/v0.1", import: ["@sharedStream"])'))]).toEqual(
      [],
    );
    expect([...sharedStreamFields(sdl(''))]).toEqual([]);
  });

  it('runs the upstream as the router with one alternative of every selected requirement, and nothing else', () => {
    const requirements = new Map<string, FieldRequirement>([
      ['StockChange.onHand', { authenticated: false, scopes: [['stock:read']] }],
      ['StockChange.reason', { authenticated: false, scopes: [['stock:read']] }],
      ['Product.supplier', { authenticated: false, scopes: [['catalogue:read'], ['catalogue:write']] }],
      ['Query.orders', { authenticated: false, scopes: [['orders:read']] }],
      ['Member.name', { authenticated: true, scopes: null }],
    ]);
    const selected = ['Subscription.stockChanged', 'StockChange.onHand', 'StockChange.reason', 'Product.supplier', 'Member.name'];
    expect(streamIdentity(requirements, selected)).toEqual({
      kind: 'service',
      subject: 'router',
      scopes: ['catalogue:read', 'stock:read'],
    });
    expect(streamIdentity(requirements, ['Subscription.stockChanged', 'StockChange.delta'])).toEqual({
      kind: 'service',
      subject: 'router',
      scopes: [],
    });
  });
});
