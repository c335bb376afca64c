import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { serveGraphQL } from '../http/graphql-over-http.ts';
import type { Logger } from '../observability/log.ts';
import type { Observability } from '../observability/observability.ts';
import { directExecution } from './direct-execution.ts';
import { errorHandling } from './errors.ts';
import { answerWrittenPosition, writtenPositionHeaders } from './replication-position.ts';

/** A subgraph's two ways of executing an HTTP GraphQL request, wired alike (errors, headers, metrics). */
export type SubgraphExecutors<Context extends BaseContext> = {
  /** Answers one request: the router's plain requests directly, everything else through Apollo Server. */
  serve(req: IncomingMessage, res: ServerResponse, context: () => Promise<Context>): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Apollo Server (started) and the direct executor over the same schema: the
 * router's plain requests skip Apollo's request pipeline, and their answers
 * are the ones Apollo would give (same error formatting, `cache-control`,
 * written-position headers and operation metrics).
 */
export async function startExecutors<Context extends BaseContext>(
  schema: GraphQLSchema,
  services: { config: Config; log: Logger; db: Database; observability: Observability },
): Promise<SubgraphExecutors<Context>> {
  const { config, log, db, observability } = services;
  const errors = errorHandling(config.mode, (error) => log.error('request failed', error));
  const apollo = new ApolloServer<Context>({
    schema,
    // Inline tracing is for Apollo's hosted studio, which we do not use; it costs time per field.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...uncacheableAnswers, answerWrittenPosition(db), observability.plugin],
    // Our entry points close every server and database on SIGINT/SIGTERM themselves.
    stopOnTerminationSignals: false,
    ...errors,
  });
  await apollo.start();
  const direct = directExecution<Context>(schema, {
    ...errors,
    headers: { 'cache-control': 'no-store' },
    answerHeaders: () => writtenPositionHeaders(db),
    observe: observability.operationObserver,
  });
  return {
    serve: (req, res, context) => serveGraphQL(apollo, req, res, context, { direct: (parts, headers) => direct(parts, headers, context) }),
    stop: () => apollo.stop(),
  };
}

/**
 * Apollo Server's cache-control plugin, replaced by the one answer it can give
 * here. No type or field of ours carries `@cacheControl` and no resolver sets a
 * cache hint, so the policy it computes is always "not cacheable" and it
 * always answers `cache-control: no-store` (so does direct-execution.ts); the router reads that header
 * (router/subgraph-http.ts). Computing it costs a hook on every resolved field
 * (the plugin is the only one with `willResolveField`, and having one makes
 * Apollo wrap every resolver), a few percent of a subgraph's CPU under load.
 * Whoever adds `@cacheControl` to a subgraph must remove this.
 */
const uncacheableAnswers: ApolloServerPlugin[] = [
  ApolloServerPluginCacheControlDisabled(),
  {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  },
];
