import type { GraphQLFormattedError } from 'graphql';
import { capMessage } from '../../platform/graphql/excerpt.ts';

/**
 * Codes the router's own refusals and failures carry, which a client must see
 * as they are (the kit's error handling makes any code it does not know
 * INTERNAL and hides its message in production).
 */
export const ROUTER_ERROR_CODES = new Set([
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'QUERY_TOO_COSTLY',
  'PAGE_SIZE_TOO_LARGE',
  'SUBGRAPH_UNAVAILABLE',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'RATE_LIMITED',
]);

type ErrorOptions = { formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError };

/** Apollo Server refuses an APQ registration whose hash is wrong with this message and no code. */
const APQ_HASH_MISMATCH = 'provided sha does not match query';

/** Apollo Server's error options, with the router's codes passed through unchanged (without a stack trace, and as short as any other message). */
export function withRouterErrorCodes<Options extends ErrorOptions>(options: Options): Options {
  return {
    ...options,
    formatError: (formatted, error) => {
      if (formatted.message === APQ_HASH_MISMATCH) {
        return {
          message: 'the persisted query hash must be the SHA-256 of the query sent with it',
          extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
        };
      }
      const code = formatted.extensions?.code;
      if (typeof code !== 'string' || !ROUTER_ERROR_CODES.has(code)) return options.formatError(formatted, error);
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, message: capMessage(formatted.message), extensions };
    },
  };
}
