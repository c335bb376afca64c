import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import type { RouterContext } from './context.ts';
import { identityKey } from './identity-signing.ts';
import { declaredVariablesJson, hashKey } from './merge-keys.ts';

/** What Apollo Server asks of a gateway (its public `gateway` option): load, follow schema updates, stop. */
type Gateway = ApolloServerOptionsWithGateway<RouterContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type ExecutionResult = Awaited<ReturnType<GatewayExecutor>>;

export type OperationMerging = {
  /** The gateway as Apollo Server should see it: the same, with the executor its `load` returns wrapped. */
  gateway: Gateway;
  /** Operations answered by an identical one already running, since start (for /metrics). */
  readonly merged: number;
};

/**
 * Identical queries in flight at the same moment run once (the same idea as
 * merging subgraph fetches, subgraph-http.ts, one level up): a query whose
 * text, operation name, variables and caller equal those of a query already
 * executing waits for that execution and gets its result. Popular pages are
 * asked for by many clients at once; each of them would otherwise plan the
 * same fetches, wait for the same answers and shape the same result.
 *
 * The answer is exactly what the caller would have got a moment earlier, and
 * the caller is part of the key, so nobody sees data meant for someone else
 * (answers depend on nothing else about a request: docs/architecture.md §4). Only
 * queries: a mutation or subscription always runs as its own. Admission
 * (credentials, rate limits, operation limits, the auth rules) still happens
 * for every request before it gets here. The result object is shared: Apollo
 * Server copies it to add formatted errors and only serializes `data`.
 *
 * The executor is wrapped where Apollo Server receives it, in a gateway
 * that forwards to the real one (the `GatewayInterface` Apollo Server
 * documents for custom gateways), so nothing of ApolloGateway's own is
 * replaced.
 */
export function mergeIdenticalQueries(gateway: Gateway): OperationMerging {
  const running = new Map<string, Promise<ExecutionResult>>();
  let merged = 0;
  const merging =
    (execute: GatewayExecutor): GatewayExecutor =>
    (requestContext) => {
      if (requestContext.operation.operation !== 'query') return execute(requestContext);
      const { identity, writeGeneration } = requestContext.context as RouterContext;
      // The caller's write generation too: a read after the caller's own answered write never joins an earlier one.
      const key = hashKey(
        requestContext.queryHash,
        requestContext.operationName ?? '',
        declaredVariablesJson(requestContext.operation, requestContext.request.variables),
        identityKey(identity),
        String(writeGeneration ?? ''),
      );
      const already = running.get(key);
      if (already) {
        merged++;
        return already;
      }
      const execution = execute(requestContext).finally(() => running.delete(key));
      running.set(key, execution);
      return execution;
    };
  return {
    gateway: {
      async load(options) {
        const loaded = await gateway.load(options);
        return { ...loaded, executor: loaded.executor && merging(loaded.executor) };
      },
      onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
      stop: () => gateway.stop(),
    },
    get merged() {
      return merged;
    },
  };
}
