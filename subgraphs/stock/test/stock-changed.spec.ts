import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Identity } from '../../../platform/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../../../platform/auth/identity-header.ts';
import { loadSecrets } from '../../../platform/auth/secrets.ts';
import { type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { eventually } from '../../../platform/testing/eventually.ts';
import { subscribeToSubgraph } from '../../../platform/testing/subscription-client.ts';
import { type StockSystem, startStockSystem, stockReader } from './fixtures.ts';

const LIVE_STOCK = `subscription ($skuCodes: [String!]) {
  stockChanged(skuCodes: $skuCodes) { sku { code } warehouse { code } onHand reserved available delta kind reason at }
}`;

describe("the stock subgraph's stockChanged subscription", () => {
  let env: TestEnvironment;
  let system: StockSystem;
  let warehouseId: string;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    system = await startStockSystem(env.config);
    await system.createSkus(['LIVE-1', 'LIVE-2']);
    warehouseId = await system.createWarehouse('LIVE-WH', 1);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const subscribe = (identity: Identity, variables: Record<string, unknown>, count: number, extensions?: Record<string, unknown>) =>
    subscribeToSubgraph<Record<string, unknown>>({
      extensions,
      url: system.stock.url,
      started: () => system.stock.server.subscriptionsStarted(),
      secret: loadSecrets(env.config).internalAuthSecret,
      identity,
      query: LIVE_STOCK,
      variables,
      field: 'stockChanged',
      count,
    });

  it('streams one event per level change of the SKUs asked for, after the change commits', async () => {
    const live = subscribe(stockReader, { skuCodes: ['LIVE-1'] }, 3);
    await live.ready;
    await system.receive(
      warehouseId,
      [
        { skuCode: 'LIVE-1', quantity: 10 },
        { skuCode: 'LIVE-2', quantity: 4 },
      ],
      'PO-LIVE',
    );
    await system.mutate('adjustStock', { warehouseId, skuCode: 'LIVE-2', delta: -1, reason: 'damaged' }, 'level { onHand }');
    await system.mutate('reserveStock', { reference: 'live-order', lines: [{ skuCode: 'LIVE-1', quantity: 3 }] }, 'reservation { status }');
    await system.mutate('adjustStock', { warehouseId, skuCode: 'LIVE-1', delta: -2, reason: 'stock-take: damaged' }, 'level { onHand }');
    const { events, errors } = await live.done;
    expect(errors).toBeUndefined();
    expect(events).toEqual([
      expect.objectContaining({
        sku: { code: 'LIVE-1' },
        warehouse: { code: 'LIVE-WH' },
        onHand: 10,
        reserved: 0,
        available: 10,
        delta: 10,
        kind: 'RECEIPT',
        reason: 'RECEIPT PO-LIVE',
      }),
      expect.objectContaining({ onHand: 10, reserved: 3, available: 7, delta: -3, kind: 'RESERVE', reason: 'RESERVE live-order' }),
      expect.objectContaining({
        onHand: 8,
        reserved: 3,
        available: 5,
        delta: -2,
        kind: 'ADJUSTMENT',
        reason: 'ADJUSTMENT stock-take: damaged',
      }),
    ]);
    expect(Date.parse(events[0]!.at as string)).not.toBeNaN();
  });

  it("streams the public fields to a subscriber without stock:read and refuses it the warehouse's own figures in every event", async () => {
    const member: Identity = { kind: 'member', subject: 'member-live', scopes: [] };
    const client = createClient({
      url: system.stock.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { [IDENTITY_HEADER]: signIdentity(member, loadSecrets(env.config).internalAuthSecret) },
      retryAttempts: 0,
    });
    const results: { data?: unknown; errors?: readonly { path?: readonly (string | number)[]; extensions?: { code?: unknown } }[] }[] = [];
    const startedBefore = system.stock.server.subscriptionsStarted();
    const twoEvents = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: LIVE_STOCK, variables: { skuCodes: ['LIVE-2'] } },
        {
          next: (result) => {
            results.push(result);
            if (results.length === 2) resolve();
          },
          error: reject,
          complete: () => reject(new Error('completed before two events')),
        },
      );
    });
    try {
      await eventually(() => system.stock.server.subscriptionsStarted() > startedBefore, 'the member subscription started');
      await system.mutate('adjustStock', { warehouseId, skuCode: 'LIVE-2', delta: 2, reason: 'found' }, 'level { onHand }');
      await system.mutate('adjustStock', { warehouseId, skuCode: 'LIVE-2', delta: -1, reason: 'broken' }, 'level { onHand }');
      await twoEvents;
    } finally {
      await client.dispose();
    }
    for (const result of results) {
      expect(result.data).toEqual({
        stockChanged: expect.objectContaining({ sku: { code: 'LIVE-2' }, onHand: null, reserved: null, reason: null, kind: 'ADJUSTMENT' }),
      });
      const refused = (result.errors ?? []).map((error) => ({ path: error.path, code: error.extensions?.code }));
      expect(refused).toEqual(
        expect.arrayContaining(['onHand', 'reserved', 'reason'].map((field) => ({ path: ['stockChanged', field], code: 'FORBIDDEN' }))),
      );
      expect(refused).toHaveLength(3);
    }
    expect(results.map((result) => (result.data as { stockChanged: { delta: number } }).stockChanged.delta)).toEqual([2, -1]);
  });

  it('replays to a subscriber resuming after its last position the changes it missed of its SKUs, then goes on live', async () => {
    await system.stock.server.relay.drain();
    const before = subscribe(stockReader, { skuCodes: ['LIVE-2'] }, 1);
    await before.ready;
    await system.mutate('adjustStock', { warehouseId, skuCode: 'LIVE-2', delta: 1, reason: 'found' }, 'level { onHand }');
    await before.done;
    const lastSeen = before.positions[0]!;

    await system.mutate('adjustStock', { warehouseId, skuCode: 'LIVE-1', delta: 1, reason: 'found' }, 'level { onHand }');
    await system.mutate('adjustStock', { warehouseId, skuCode: 'LIVE-2', delta: -2, reason: 'missed' }, 'level { onHand }');
    await system.stock.server.relay.drain();
    const resumed = subscribe(stockReader, { skuCodes: ['LIVE-2'] }, 2, { resumeAfter: lastSeen });
    await resumed.ready;
    await system.mutate('adjustStock', { warehouseId, skuCode: 'LIVE-2', delta: 3, reason: 'live' }, 'level { onHand }');
    const { events, errors } = await resumed.done;
    expect(errors).toBeUndefined();
    expect(events.map((event) => [(event.sku as { code: string }).code, event.delta, event.reason])).toEqual([
      ['LIVE-2', -2, 'ADJUSTMENT missed'],
      ['LIVE-2', 3, 'ADJUSTMENT live'],
    ]);
    const [replayed, live] = resumed.positions.map(Number);
    expect(replayed).toBeGreaterThan(Number(lastSeen));
    expect(live).toBeGreaterThan(replayed!);
  });
});
