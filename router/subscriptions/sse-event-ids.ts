import type { ExecutionResult } from 'graphql';
import { eventIdOf } from './resume.ts';

const NEXT_EVENT = 'event: next\n';

/**
 * graphql-sse writes each message as one chunk (`event: next`, `data: {...}`)
 * and has no `id:` field of its own; this adds it, so a browser's
 * EventSource remembers the last event id and sends it back as
 * `Last-Event-ID` when it reconnects. The handler's `onNext` hook calls
 * `noteResult` for each result just before writing its chunk, in the same
 * order, so the ids are taken from a queue instead of parsing each chunk again.
 */
export function sseEventIds() {
  const ids: (string | undefined)[] = [];
  return {
    noteResult(result: ExecutionResult) {
      ids.push(eventIdOf(result));
    },
    withIds(chunks: AsyncIterableIterator<string>): AsyncIterableIterator<string> {
      const stream: AsyncIterableIterator<string> = {
        async next() {
          const step = await chunks.next();
          if (step.done || !step.value.startsWith(NEXT_EVENT)) return step;
          const id = ids.shift();
          // Digits only (resume.ts checks positions so): nothing that could break the stream's framing.
          return id === undefined || !/^\d+$/.test(id) ? step : { value: `id: ${id}\n${step.value}`, done: false };
        },
        return: (value?: unknown) => chunks.return?.(value) ?? Promise.resolve({ value: undefined, done: true }),
        throw: (error?: unknown) => chunks.throw?.(error) ?? Promise.reject(error),
        [Symbol.asyncIterator]() {
          return stream;
        },
      };
      return stream;
    },
  };
}
