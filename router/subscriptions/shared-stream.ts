import { type DocumentNode, Kind, type OperationDefinitionNode, valueFromASTUntyped } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import type { RequirementMap } from '../../platform/auth/requirements.ts';
import { selectedFieldCoordinates } from '../../platform/auth/selected-fields.ts';
import { type FieldFilter, fieldFilterFor } from './field-filter.ts';
import type { SubscriptionGraph } from './graph.ts';

/**
 * `@sharedStream` as subgraphs declare it: `@link(url:
 * "https://shop.example/specs/sharedStream/v0.1", import: ["@sharedStream"])`
 * with `@composeDirective(name: "@sharedStream")`, so composition carries it
 * into the supergraph. On a subscription field it says: this stream's events
 * are the same for every caller allowed to see them. The router then opens
 * one upstream for every caller of the same operation and variables, and
 * refuses each caller's forbidden fields per event (field-filter.ts).
 */
const SHARED_STREAM_URL = /^https:\/\/shop\.example\/specs\/sharedStream\/v\d+\.\d+$/;

/**
 * The coordinates (`Subscription.stockChanged`) of the subscription fields the
 * supergraph declares `@sharedStream`, under whatever name the `@link` imports
 * the directive. Empty when no subgraph links the feature: then nothing is
 * shared across callers.
 */
export function sharedStreamFields(supergraph: DocumentNode): ReadonlySet<string> {
  let directiveName: string | undefined;
  let subscriptionType = 'Subscription';
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const operation of definition.operationTypes ?? []) {
      if (operation.operation === 'subscription') subscriptionType = operation.type.name.value;
    }
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const argument = (name: string) => {
        const found = directive.arguments?.find((arg) => arg.name.value === name);
        return found ? valueFromASTUntyped(found.value) : undefined;
      };
      if (!SHARED_STREAM_URL.test(String(argument('url') ?? ''))) continue;
      // Not imported, the feature's namesake directive goes by the feature's name (or the link's `as`).
      const namespace = argument('as');
      directiveName = importedName(argument('import')) ?? (typeof namespace === 'string' ? namespace : 'sharedStream');
    }
  }
  const fields = new Set<string>();
  if (!directiveName) return fields;
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    if (definition.name.value !== subscriptionType) continue;
    for (const field of definition.fields ?? []) {
      if (field.directives?.some((directive) => directive.name.value === directiveName)) {
        fields.add(`${subscriptionType}.${field.name.value}`);
      }
    }
  }
  return fields;
}

/** The local name `import` gives the directive (`"@sharedStream"` or `{ name: "@sharedStream", as: "@x" }`), without `@`. */
function importedName(imports: unknown): string | undefined {
  if (!Array.isArray(imports)) return undefined;
  for (const entry of imports) {
    if (entry === '@sharedStream') return 'sharedStream';
    if (typeof entry === 'object' && entry !== null && (entry as { name?: unknown }).name === '@sharedStream') {
      const alias = (entry as { as?: unknown }).as;
      return typeof alias === 'string' ? alias.replace(/^@/, '') : 'sharedStream';
    }
  }
  return undefined;
}

/**
 * Whom a shared stream's upstream runs as: the router itself, holding exactly
 * the scopes the selected fields require (one alternative of each), so the
 * subgraphs resolve every selected field once per event whoever subscribed;
 * what each subscriber may see is decided per event by the field filter. Not a
 * subscriber's identity, which would make the events depend on whoever opened
 * the group first. Scopes sorted, so equal selections give equal identities.
 */
export function streamIdentity(requirements: RequirementMap, coordinates: readonly string[]): Identity {
  const scopes = new Set<string>();
  for (const coordinate of coordinates) {
    const alternatives = requirements.get(coordinate)?.scopes;
    // The first alternative already satisfies the requirement; asking for more would widen the router's reach for nothing.
    for (const scope of alternatives?.[0] ?? []) scopes.add(scope);
  }
  return { kind: 'service', subject: 'router', scopes: [...scopes].sort() };
}

/** What a subscription to a shared stream needs besides what every subscription has. */
export type SharedStream = {
  /** The root fields: all the subscribe-time check refuses on; the rest is refused per event. */
  roots: ReadonlySet<string>;
  /** Whom the upstream and the completion of each event run as (streamIdentity). */
  identity: Identity;
  /** What this subscriber may receive of each event. */
  filter: FieldFilter;
};

/**
 * The subscription as a shared stream, when every root field it selects is
 * `@sharedStream`; undefined when it depends on the caller (then it keeps one
 * upstream per caller, run as the caller).
 */
export function sharedStreamOf(
  graph: SubscriptionGraph,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  subscriber: Identity,
): SharedStream | undefined {
  if (graph.sharedStreams.size === 0) return undefined;
  const { schema } = graph.planner;
  const coordinates = selectedFieldCoordinates(schema, document, operation, variables);
  const rootType = schema.getSubscriptionType()?.name;
  const roots = coordinates.filter((coordinate) => coordinate.startsWith(`${rootType}.`));
  if (roots.length === 0 || !roots.every((coordinate) => graph.sharedStreams.has(coordinate))) return undefined;
  return {
    roots: new Set(roots),
    identity: streamIdentity(graph.requirements, coordinates),
    filter: fieldFilterFor({ schema, document, operation, variables, requirements: graph.requirements, identity: subscriber }),
  };
}
