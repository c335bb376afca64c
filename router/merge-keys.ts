import { hash } from 'node:crypto';
import type { OperationDefinitionNode } from 'graphql';
import type { Identity } from '../platform/auth/identity.ts';

/*
 * Keys of the router's memories (merging in flight, per-operation results):
 * what a caller sends reaches them, so a key is a fixed-size hash of its
 * parts, never the parts themselves. A memory of N keys then holds N × 43
 * bytes of keys however large the bodies and variables were.
 */

/**
 * A caller as a person, the same at every router and whatever scopes their
 * token carries: their kind and subject, hashed, so a key kept in Redis says
 * nobody's name (replica positions, shared write counts).
 */
export function callerHash(caller: Identity): string {
  return hashKey(caller.kind, caller.subject ?? '');
}

/**
 * A SHA-256 of the parts (each prefixed with its length, so no two part lists
 * share a hash by moving a separator). One-shot `crypto.hash` on the joined
 * text: a few keys are hashed per request, and creating a Hash object for each
 * cost more than hashing their bytes.
 */
export function hashKey(...parts: readonly string[]): string {
  let text = '';
  for (const part of parts) text += `${part.length}:${part}`;
  return hash('sha256', text, 'base64url');
}

/**
 * The variables an operation declares, in declaration order, as JSON: the
 * only ones that can change its answer. Anything else a request sends along
 * is ignored by execution, so it is left out of keys instead of splitting
 * (or bloating) them.
 */
export function declaredVariablesJson(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): string {
  const declared: unknown[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    declared.push(variables && Object.hasOwn(variables, name) ? [name, variables[name]] : [name]);
  }
  return JSON.stringify(declared);
}
