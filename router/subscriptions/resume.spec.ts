import { type ExecutionResult, type FormattedExecutionResult, GraphQLError } from 'graphql';
import { createChannel } from './channel.ts';
import { lastEventIdOf, resumeStream, withEventId } from './resume.ts';
import type { UpstreamSink } from './upstream.ts';

/** An upstream event at a position, as the owner sends it. */
const upstreamEvent = (position: number): FormattedExecutionResult => ({
  data: { n: position },
  extensions: { position: String(position) },
});
/** A completed result at a position, as the shared group delivers it. */
const groupResult = (position: number): ExecutionResult => withEventId({ data: { n: position } }, String(position));

function resumeHarness(lastEventId: string) {
  const live = createChannel<ExecutionResult>(() => undefined);
  const catchUp = { sink: null as UpstreamSink | null, closed: 0 };
  const stream = resumeStream({
    live,
    lastEventId,
    openCatchUp: (sink) => {
      catchUp.sink = sink;
      return () => {
        catchUp.closed += 1;
      };
    },
    complete: async (event) => withEventId({ data: event.data ?? null }, event.extensions?.position as string),
  });
  const received = async (count: number) => {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const step = await stream.next();
      if (step.done) break;
      ids.push((step.value.extensions?.eventId as string) ?? 'none');
    }
    return ids;
  };
  return { live, catchUp, stream, received };
}

describe('resuming a subscription after a given event id', () => {
  it('delivers the catch-up until it reaches the group, then the group, every event once and in order', async () => {
    const { live, catchUp, received } = resumeHarness('10');
    // The group has moved on while the catch-up replays from 11.
    for (const position of [14, 15]) live.push(groupResult(position));
    for (const position of [11, 12, 13]) catchUp.sink!.next(upstreamEvent(position));
    expect(await received(3)).toEqual(['11', '12', '13']);
    expect(catchUp.closed).toBe(0);
    // The catch-up reaches the group's first event: from here the group alone delivers.
    catchUp.sink!.next(upstreamEvent(14));
    catchUp.sink!.next(upstreamEvent(15));
    live.push(groupResult(16));
    expect(await received(3)).toEqual(['14', '15', '16']);
    expect(catchUp.closed).toBe(1);
  });

  it('skips group events the client already had, and switches at once when the group starts at or before its last id', async () => {
    const { live, catchUp, received } = resumeHarness('20');
    live.push(groupResult(19));
    live.push(groupResult(20));
    live.push(groupResult(21));
    expect(await received(1)).toEqual(['21']);
    expect(catchUp.closed).toBe(1);
  });

  it('fails with the catch-up error (RESYNC_REQUIRED) when the missed events cannot be replayed', async () => {
    const { catchUp, stream } = resumeHarness('1');
    catchUp.sink!.error(new GraphQLError('too old', { extensions: { code: 'RESYNC_REQUIRED' } }));
    await expect(stream.next()).rejects.toMatchObject({ extensions: { code: 'RESYNC_REQUIRED' } });
  });

  it('closes the catch-up and leaves the group when the client goes away', async () => {
    const { live, catchUp, stream } = resumeHarness('5');
    await stream.return!();
    expect(catchUp.closed).toBe(1);
    expect(live.closed).toBe(true);
  });
});

describe('the last event id a client sends', () => {
  it('accepts digits (as a string or a safe integer) and refuses anything else with BAD_USER_INPUT', () => {
    expect(lastEventIdOf({ lastEventId: '42' })).toBe('42');
    expect(lastEventIdOf({ lastEventId: 42 })).toBe('42');
    expect(lastEventIdOf({})).toBeUndefined();
    expect(lastEventIdOf(null)).toBeUndefined();
    for (const bad of ['-1', '1e3', 'abc', '01', '1\nid: 9', '9'.repeat(17), 1.5, -3, { a: 1 }, true]) {
      const refusal = lastEventIdOf({ lastEventId: bad });
      expect(refusal).toBeInstanceOf(GraphQLError);
      expect((refusal as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    }
  });
});
