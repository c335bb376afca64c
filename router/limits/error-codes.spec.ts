import { errorHandling } from '../../platform/graphql/errors.ts';
import { MAX_MESSAGE_CHARACTERS } from '../../platform/graphql/excerpt.ts';
import { withRouterErrorCodes } from './error-codes.ts';

describe("the router's error formatting", () => {
  const { formatError } = withRouterErrorCodes(errorHandling('production', () => undefined));
  const long = `limit reached for ${'x'.repeat(100_000)}`;

  it.each(['SUBGRAPH_UNAVAILABLE', 'RATE_LIMITED', 'BAD_USER_INPUT'])('cuts a %s message to a bounded length, saying so', (code) => {
    const formatted = formatError({ message: long, extensions: { code } }, new Error(long));
    expect(formatted.extensions?.code).toBe(code);
    expect(formatted.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARACTERS + 60);
    expect(formatted.message).toMatch(/^limit reached for x+\.\.\. \(message cut from 100018 characters\)$/);
  });

  it('leaves a short message as it is', () => {
    expect(formatError({ message: 'too many requests', extensions: { code: 'RATE_LIMITED' } }, null).message).toBe('too many requests');
  });
});
