import { eventually } from '../../platform/testing/eventually.ts';
import { OTLP_KIND, type OtlpReceiver, startOtlpReceiver } from '../../platform/testing/otlp-receiver.ts';
import { newId } from '../../platform/values/ids.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { placeExampleOrder } from '../support/shoppers.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * A caller's W3C trace headers are continued when well-formed (tracing is on):
 * so any caller may send them, and a hostile one sends garbage, zeros or an
 * oversized `tracestate`. The request is answered as any other; a malformed
 * `traceparent` starts a fresh trace instead of joining a made-up one; and
 * what the outbox stores of the trace context stays within its column and
 * within W3C's bounds (the propagator keeps what fits of the caller's
 * `tracestate`, as the standard asks, and no more).
 */
describe('trace headers under hostile input', () => {
  let system: TestSystem;
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      { SEED_DEMO_DATA: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    );
  });
  afterAll(async () => {
    await system?.close();
    await receiver?.close();
  });

  it('answers requests with malformed traceparents, each in a fresh trace of its own', async () => {
    const malformed = [
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      `00-${'a'.repeat(5000)}-00f067aa0ba902b7-01`,
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 x-injected: 1',
    ];
    for (const [index, traceparent] of malformed.entries()) {
      const name = `Hostile${index}`;
      const { status, body } = await system.graphqlWithHeaders(`query ${name} { __typename }`, {}, { traceparent });
      expect({ traceparent, status, data: body.data }).toEqual({ traceparent, status: 200, data: { __typename: 'Query' } });
      const span = await eventually(
        () => receiver.spans.find((candidate) => candidate.service === 'router' && candidate.name === `query ${name}`) ?? false,
        `the router span of ${name}`,
      );
      expect({ traceparent, kind: span.kind, parent: span.parentSpanId }).toEqual({
        traceparent,
        kind: OTLP_KIND.server,
        parent: undefined,
      });
      expect(span.traceId).not.toMatch(/^0+$/);
      expect(span.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    }
    await expectWellBehavedQueryAnswered(system);
  });

  it('stores a bounded trace context with the outbox rows of a request that sent a huge tracestate', async () => {
    // About 4 KB: past W3C's 512 characters and 32 members, within Node's header limit (past it, 431 before any of our code).
    const hostile = Array.from({ length: 80 }, (_, n) => `hostile${n}=${'x'.repeat(40)}`).join(',');
    const traceparent = '00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const token = await system.memberToken(newId());
    const headers = { traceparent, tracestate: hostile, authorization: `Bearer ${token}` };
    // placeExampleOrder sends no headers of its own: place the order through the same operation with ours.
    const placed = await placeExampleOrderWith(system, headers);
    expect(placed).toMatch(/.+/);
    const orders = system.system.subgraphs.find((subgraph) => subgraph.name === 'orders')!;
    const rows = await orders.db.execute<{ trace_context: string | null }>(
      orders.db.fork(),
      'select trace_context from outbox_event where event_key = ?',
      [placed],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.trace_context).not.toBeNull();
      expect(row.trace_context!.length).toBeLessThanOrEqual(1024);
      const stored = JSON.parse(row.trace_context!) as { traceparent: string; tracestate?: string };
      // The request joined the caller's trace; of the oversized state only what W3C allows went on.
      expect(stored.traceparent).toMatch(/^00-5bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      expect(stored.tracestate?.length ?? 0).toBeLessThanOrEqual(512);
      expect(stored.tracestate?.split(',').length ?? 0).toBeLessThanOrEqual(32);
      expect(hostile.startsWith(stored.tracestate ?? '')).toBe(true);
    }
  });
});

/** The contract's example order, placed with the given headers on the request. */
function placeExampleOrderWith(system: TestSystem, headers: Record<string, string>): Promise<string> {
  const withHeaders: TestSystem = {
    ...system,
    graphql: async <T>(query: string, variables: Record<string, unknown> = {}) => {
      const { status, body } = await system.graphqlWithHeaders<T>(query, variables, headers);
      return { status, body };
    },
  };
  return placeExampleOrder(withHeaders, undefined, `hostile-trace-${newId()}`);
}
