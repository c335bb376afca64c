import type { ApolloServerOptions, BaseContext } from '@apollo/server';
import type { Logger } from '../platform/observability/log.ts';

/** The logger shape Apollo Server and the gateway share (from @apollo/utils.logger, which we do not depend on directly). */
export type ApolloLogger = NonNullable<ApolloServerOptions<BaseContext>['logger']>;

/**
 * Apollo Server's and the gateway's warnings and errors, through our logger.
 * Their debug and info lines ("Gateway successfully loaded schema") are
 * dropped, so a started router prints the one line with its URL.
 */
export function apolloLogger(log: Logger): ApolloLogger {
  return {
    debug: () => {},
    info: () => {},
    warn: (message) => log.warn(String(message)),
    error: (message) => log.error(String(message)),
  };
}
