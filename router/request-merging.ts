import type { HTTPGraphQLResponse } from '@apollo/server';
import { Kind, parse } from 'graphql';
import type { Identity } from '../platform/auth/identity.ts';
import { BoundedMap } from '../platform/runtime/bounded-map.ts';
import { identityKey } from './identity-signing.ts';
import { hashKey } from './merge-keys.ts';

/** Distinct request bodies whose kind is remembered; past that the memory starts over. */
const MAX_KNOWN_BODIES = 1_000;

export type RequestMerging = {
  /**
   * Runs `execute` for a request with raw body `text` from `identity`, or,
   * when an identical query request is already being answered, returns that
   * answer instead.
   */
  around(
    text: string,
    caller: { identity: Identity; writeGeneration: string },
    accept: string,
    execute: () => Promise<HTTPGraphQLResponse>,
  ): Promise<HTTPGraphQLResponse>;
  /** Requests answered with an identical request's answer, since start (for /metrics). */
  readonly merged: number;
};

/**
 * Identical HTTP requests in flight together are answered once: a POST whose
 * body is byte for byte the same as one being answered, from the same caller
 * (kind, subject, scopes), with no write of theirs answered in between
 * (write-generations.ts) and accepting the same media types, gets that
 * request's answer. It is operation merging (operation-merging.ts) moved in
 * front of Apollo Server: the follower skips parsing its JSON, the request
 * pipeline and serializing the answer, and writes the finished bytes.
 *
 * Only a body holding one query is merged (never a mutation, subscription or
 * batch); which bodies those are is learned by parsing each distinct body
 * once. Everything that decides an answer is in the key or done before this
 * (credentials, CSRF and rate limits, in server.ts): the operation limits and
 * auth rules Apollo Server applies depend only on the body and the caller, so
 * an identical request would be refused or answered identically. A streamed
 * (incremental) answer cannot be shared; its followers run on their own.
 */
export function requestMerging(): RequestMerging {
  const singleQuery = new BoundedMap<string, boolean>(MAX_KNOWN_BODIES);
  const answering = new Map<string, Promise<HTTPGraphQLResponse>>();
  let merged = 0;

  const isSingleQuery = (text: string, bodyHash: string) => {
    let known = singleQuery.get(bodyHash);
    if (known === undefined) {
      known = holdsOneQuery(text);
      singleQuery.set(bodyHash, known);
    }
    return known;
  };

  return {
    async around(text, caller, accept, execute) {
      if (text === '') return execute();
      // Keys are hashes (merge-keys.ts): the memory of known bodies holds 43 bytes per body, however large the bodies.
      const bodyHash = hashKey(text);
      if (!isSingleQuery(text, bodyHash)) return execute();
      const key = hashKey(identityKey(caller.identity), caller.writeGeneration, accept, bodyHash);
      const already = answering.get(key);
      if (already) {
        const answer = await already;
        if (answer.body.kind === 'complete') {
          merged++;
          return answer;
        }
        return execute();
      }
      const answer = execute().finally(() => answering.delete(key));
      answering.set(key, answer);
      return answer;
    },
    get merged() {
      return merged;
    },
  };
}

/** Whether a JSON body is one GraphQL request (not a batch) whose chosen operation is a query. */
function holdsOneQuery(text: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string' || (operationName !== undefined && operationName !== null && typeof operationName !== 'string'))
    return false;
  try {
    const operations = parse(query).definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    const chosen = operationName
      ? operations.find((operation) => operation.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
    return chosen?.operation === 'query';
  } catch {
    return false;
  }
}
