import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { capMessage } from './excerpt.ts';

/**
 * Errors that are not business outcomes (docs/architecture.md §5). Business outcomes are
 * user errors in a mutation's payload (see user-errors.ts); these few classes
 * are everything else, each mapped to one `extensions.code`.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'RESYNC_REQUIRED' | 'INTERNAL';

function coded(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const badUserInput = (message: string, field?: string) => coded('BAD_USER_INPUT', message, field ? { field } : {});
/** A bad input refused by a named limit: `extensions.reason` tells the client which (SEARCH_TERM_TOO_LONG, say). */
export const refusedInput = (reason: string, message: string, field: string) => coded('BAD_USER_INPUT', message, { field, reason });
export const unauthenticated = (message: string) => coded('UNAUTHENTICATED', message);
export const forbidden = (message: string) => coded('FORBIDDEN', message);
export const notFound = (message: string) => coded('NOT_FOUND', message);
/** A live stream asked to resume from a position the replay window no longer holds (or never held): the client reloads. */
export const resyncRequired = (message: string) => coded('RESYNC_REQUIRED', message);

/** Codes a client may see as they are; anything else is an internal error. */
const PUBLIC_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RESYNC_REQUIRED',
  'INTERNAL',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

export type ErrorLogger = (error: unknown) => void;

/**
 * Apollo Server's error options for every server here (router and subgraphs).
 * Our coded errors go out as they are, without a stack trace: their message
 * already states the rule. Anything else is `INTERNAL`: logged, and answered
 * with a neutral message in production (a driver's message may hold SQL or
 * data), or with its message and stack in development.
 */
export function errorHandling(mode: 'development' | 'test' | 'production', log: ErrorLogger) {
  return {
    includeStacktraceInErrorResponses: mode === 'development',
    formatError: (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
        const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
        return { ...formatted, message: capMessage(formatted.message), extensions };
      }
      log(error);
      if (mode === 'production') {
        return {
          message: 'Internal error; it has been logged.',
          locations: formatted.locations,
          path: formatted.path,
          extensions: { code: 'INTERNAL' },
        };
      }
      return { ...formatted, message: capMessage(formatted.message), extensions: { ...formatted.extensions, code: 'INTERNAL' } };
    },
  };
}
