import { type ExecutionResult, GraphQLError } from 'graphql';

/**
 * A subscriber's results for a transport that has no message of its own for
 * an operation's failure (Server-Sent Events, multipart HTTP): the results,
 * then, if the stream fails (the upstream went away, the subscriber fell
 * behind, the credential ended), one last result carrying the error, then the
 * end. Hand-written like channel.ts, so `return()` ends the source at once
 * instead of at its next result.
 */
export function endingWithErrors(source: AsyncIterableIterator<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  let failed = false;
  const stream: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (failed) return { value: undefined, done: true };
      try {
        return await source.next();
      } catch (error) {
        failed = true;
        return { value: { errors: [asGraphQLError(error)] }, done: false };
      }
    },
    return: () => source.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    throw: (error: unknown) => source.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

/** The stream of a refused operation: one result with its errors, then the end. */
export async function* refusedStream(errors: readonly GraphQLError[]): AsyncGenerator<ExecutionResult> {
  yield { errors };
}

/** Errors that carry a code (SlowSubscriberError) keep it; anything else is an internal error, described without its details. */
export function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const extensions = (error as { extensions?: Record<string, unknown> } | null)?.extensions;
  if (extensions && typeof extensions.code === 'string') return new GraphQLError((error as Error).message, { extensions });
  return new GraphQLError('the subscription failed', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
