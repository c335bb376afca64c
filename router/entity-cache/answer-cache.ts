import { type ApolloServerPlugin, type GraphQLRequestContext, HeaderMap } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import type { RouterContext } from '../context.ts';
import { identityKey } from '../identity-signing.ts';
import { hashKey } from '../merge-keys.ts';
import type { AnswerStore, AnswerTicket } from './answer-store.ts';
import { canonicalJson } from './entity-cache.ts';

/**
 * What one execution's fetches were keyed by in the entity cache, while every
 * one of them was one it may keep for everyone (entity-cache.ts fills it):
 * the names an event may drop, and how many root-field and entity answers.
 */
export type AnswerTrace = { names: Set<string>; roots: number; entities: number };

/** The counts a whole answer adds to /metrics. */
export type AnswerCounts = { hits: number; misses: number };

/**
 * Whole answers of public operations (docs/architecture.md §12, "Whole
 * answers"), as an Apollo Server plugin.
 *
 * `responseForOperation` runs after every check of the request: the router's
 * own before Apollo Server (CSRF, the caller's credential, rate limits,
 * trusted documents) and every `didResolveOperation` of the plugins (field
 * rules, operation limits and cost, a key's usage), which Apollo Server
 * awaits first and whose refusal ends the request. A hit only replaces the
 * execution: the answer is what executing would have given, and is still
 * serialized, given its headers and counted as any other.
 *
 * The key is the document's hash, the operation's name, its declared
 * variables as canonical JSON, and the caller's kind and scopes (as a
 * declared public root field is keyed, root-fields.ts): a subgraph may check
 * an argument against the caller's scopes, so callers alike share one answer
 * and no other. An answer is kept only when every subgraph fetch of its plan
 * was one the entity cache may keep for everyone (a declared public root
 * field, entities of declared public types): nothing private, nothing
 * undeclared, no errors. Not for a mutation or subscription.
 */
export function answerCachePlugin(
  store: AnswerStore,
  options: { available: () => boolean; counts: AnswerCounts },
): ApolloServerPlugin<RouterContext> {
  const tickets = new WeakMap<RouterContext, { key: string; ticket: AnswerTicket }>();
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ operation, request, queryHash, contextValue }) {
          if (operation?.operation !== 'query' || !queryHash || !options.available()) return null;
          const key = answerKey(queryHash, operation, request.variables, contextValue.identity);
          const hit = store.get(key, identityKey(contextValue.identity));
          if (!hit) {
            options.counts.misses++;
            tickets.set(contextValue, { key, ticket: store.start() });
            contextValue.answerTrace = { names: new Set(), roots: 0, entities: 0 };
            return null;
          }
          options.counts.hits++;
          // Every fetch it was made of was public: a GET of an anonymous caller may be public too (http-cache.ts).
          const tally = contextValue.httpCacheTally;
          if (tally) {
            tally.fetches = 1;
            tally.publicFetches = 1;
          }
          const status = contextValue.entityCacheStatus;
          if (status) {
            // As if each fetch had been served from the entity cache, which is what the kept answer stands for.
            status.rootHits += hit.fetches.roots;
            status.hits += hit.fetches.entities;
          }
          return {
            http: { headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data: hit.data as Record<string, unknown> } },
          };
        },
        async willSendResponse(requestContext) {
          const started = tickets.get(requestContext.contextValue);
          if (started) keepIfPublic(store, started, requestContext, options.available);
        },
      };
    },
  };
}

function keepIfPublic(
  store: AnswerStore,
  { key, ticket }: { key: string; ticket: AnswerTicket },
  { contextValue, response }: GraphQLRequestContext<RouterContext>,
  available: () => boolean,
): void {
  const trace = contextValue.answerTrace;
  const tally = contextValue.httpCacheTally;
  const body = response.body;
  if (!trace || !tally || body?.kind !== 'single' || !available()) return;
  const { data, errors } = body.singleResult;
  // Every fetch counted (signed-data-source.ts) must have been a public one the entity cache traced.
  const allPublic = tally.fetches > 0 && tally.publicFetches === tally.fetches && trace.names.size > 0;
  if (!allPublic || errors?.length || !data) return;
  store.keep(key, ticket, data, [...trace.names], { roots: trace.roots, entities: trace.entities });
}

/** The operation's key: document, operation name, declared variables (canonical JSON), and the caller's kind and scopes. */
function answerKey(
  queryHash: string,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  caller: Identity,
): string {
  const declared: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables && Object.hasOwn(variables, name)) declared[name] = variables[name];
  }
  const callerClass = `${caller.kind}\n${[...caller.scopes].sort().join(' ')}`;
  return hashKey(queryHash, operation.name?.value ?? '', canonicalJson(declared), callerClass);
}
