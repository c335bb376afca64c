import { type DocumentNode, type FieldDefinitionNode, Kind, valueFromASTUntyped } from 'graphql';

/**
 * `@entityCache` as subgraphs declare it: `@link(url:
 * "https://shop.example/specs/entityCache/v0.1", import: ["@entityCache"])`
 * with `@composeDirective(name: "@entityCache")`, so composition carries it
 * into the supergraph (docs/architecture.md §12). On an entity type it says:
 * answers of this type fetched from `subgraph` by key may be kept, public
 * (one answer for every caller allowed to ask) or `private` (one per caller),
 * until one of the `invalidatedBy` events names them. On a root field of
 * Query it says the same of that field's answers (rootFieldDeclarations).
 */
const ENTITY_CACHE_URL = /^https:\/\/shop\.example\/specs\/entityCache\/v\d+\.\d+$/;

/** How one event type drops a type's answers: those whose key is at `field` of its data, or all of them. */
export type Invalidation = { field: string } | { all: true };

export type CacheDeclaration = {
  subgraph: string;
  /** The entity type, or for a root field `Query.<field>` (never a GraphQL type name, so never a representation's). */
  typename: string;
  /** Set for a root field of Query: its name. */
  rootField?: string;
  /**
   * Set for a root field looked up by its one argument (`order(id:)`): that argument's name. Its answers are keyed by
   * the argument's value, so an `EventType:field` entry drops the answers whose argument the event's field names.
   */
  keyArgument?: string;
  /** The one field of the type's key in that subgraph (`@join__type(graph:, key: "code")`). */
  keyField: string;
  private: boolean;
  /** Per event type, how it drops this type's answers. */
  invalidatedBy: ReadonlyMap<string, Invalidation>;
};

/** Declarations by subgraph name, then type name. */
export type CacheDeclarations = ReadonlyMap<string, ReadonlyMap<string, CacheDeclaration>>;

/**
 * The entity types the supergraph declares cacheable, per subgraph. A
 * declaration the router cannot honour exactly is left out (so the type is
 * never cached) and reported through `problem`: a subgraph that does not
 * define the type, a key of more than one field, or an `invalidatedBy` entry
 * that is not `EventType` or `EventType:field`.
 */
export function cacheDeclarations(supergraph: DocumentNode, problem: (message: string) => void = () => undefined): CacheDeclarations {
  const directiveName = linkedName(supergraph);
  const declarations = new Map<string, Map<string, CacheDeclaration>>();
  if (!directiveName) return declarations;
  const graphNames = joinGraphNames(supergraph);
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typename = definition.name.value;
    const keys = new Map<string, string>();
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const args = argumentsOf(directive);
      const graph = graphNames.get(String(args.graph));
      if (graph && typeof args.key === 'string' && args.resolvable !== false && !keys.has(graph)) keys.set(graph, args.key.trim());
    }
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== directiveName) continue;
      const args = argumentsOf(directive);
      const subgraph = String(args.subgraph ?? '');
      const key = keys.get(subgraph);
      if (!key || !/^[_A-Za-z][_0-9A-Za-z]*$/.test(key)) {
        problem(`@entityCache on ${typename} for "${subgraph}" ignored: that subgraph must resolve ${typename} by a key of one field`);
        continue;
      }
      const invalidatedBy = new Map<string, Invalidation>();
      let valid = Array.isArray(args.invalidatedBy);
      for (const entry of Array.isArray(args.invalidatedBy) ? args.invalidatedBy : []) {
        const match = /^([_A-Za-z][_0-9A-Za-z]*)(?::([_A-Za-z][_0-9A-Za-z]*))?$/.exec(String(entry));
        if (!match) valid = false;
        else invalidatedBy.set(match[1]!, match[2] ? { field: match[2] } : { all: true });
      }
      if (!valid) {
        problem(`@entityCache on ${typename} ignored: each invalidatedBy entry must be "EventType" or "EventType:field"`);
        continue;
      }
      const bySubgraph = declarations.get(subgraph) ?? new Map<string, CacheDeclaration>();
      declarations.set(subgraph, bySubgraph);
      bySubgraph.set(typename, { subgraph, typename, keyField: key, private: args.private === true, invalidatedBy });
    }
    if (typename === 'Query') declareRootFields(definition, directiveName, graphNames, declarations, problem);
  }
  return declarations;
}

/**
 * `@entityCache` on fields of Query: the subgraph named must resolve the field
 * (`@join__field(graph:)`). A list or a search has no entity key an event
 * could name, so its `invalidatedBy` entries must be whole event types, each
 * dropping every answer of the field. A lookup by its one argument
 * (`order(id:)`) is keyed by that argument's value, so it may also list
 * `EventType:field` entries, the event's field naming the values whose answers
 * it drops (docs/architecture.md §12, "Root fields").
 */
function declareRootFields(
  query: { fields?: readonly FieldDefinitionNode[] },
  directiveName: string,
  graphNames: Map<string, string>,
  declarations: Map<string, Map<string, CacheDeclaration>>,
  problem: (message: string) => void,
) {
  for (const field of query.fields ?? []) {
    const resolvedBy = new Set<string>();
    for (const directive of field.directives ?? []) {
      if (directive.name.value !== 'join__field') continue;
      const graph = graphNames.get(String(argumentsOf(directive).graph));
      if (graph) resolvedBy.add(graph);
    }
    for (const directive of field.directives ?? []) {
      if (directive.name.value !== directiveName) continue;
      const args = argumentsOf(directive);
      const subgraph = String(args.subgraph ?? '');
      const name = field.name.value;
      if (!resolvedBy.has(subgraph)) {
        problem(`@entityCache on Query.${name} for "${subgraph}" ignored: that subgraph does not resolve the field`);
        continue;
      }
      const entries = Array.isArray(args.invalidatedBy) ? args.invalidatedBy.map(String) : [];
      const keyArgument = field.arguments?.length === 1 ? field.arguments[0]!.name.value : undefined;
      const entry = keyArgument ? /^([_A-Za-z][_0-9A-Za-z]*)(?::([_A-Za-z][_0-9A-Za-z]*))?$/ : /^([_A-Za-z][_0-9A-Za-z]*)()$/;
      const matches = entries.map((text) => entry.exec(text));
      if (entries.length === 0 || matches.some((match) => !match)) {
        problem(
          `@entityCache on Query.${name} ignored: a root field's invalidatedBy entries must be whole event types ("EventType"), or "EventType:field" for a lookup by one argument`,
        );
        continue;
      }
      const bySubgraph = declarations.get(subgraph) ?? new Map<string, CacheDeclaration>();
      declarations.set(subgraph, bySubgraph);
      const invalidatedBy = new Map<string, Invalidation>(
        matches.map((match) => [match![1]!, match![2] ? { field: match![2] } : { all: true }]),
      );
      const keyed = [...invalidatedBy.values()].some((how) => 'field' in how);
      const typename = `Query.${name}`;
      bySubgraph.set(typename, {
        subgraph,
        typename,
        rootField: name,
        ...(keyed ? { keyArgument } : {}),
        keyField: '',
        private: args.private === true,
        invalidatedBy,
      });
    }
  }
}

/** Every event type any declaration listens to: what the router subscribes to on the bus. */
export function invalidatingEventTypes(declarations: CacheDeclarations): string[] {
  const types = new Set<string>();
  for (const bySubgraph of declarations.values())
    for (const declaration of bySubgraph.values()) {
      for (const type of declaration.invalidatedBy.keys()) types.add(type);
    }
  return [...types].sort();
}

function argumentsOf(directive: { arguments?: readonly { name: { value: string }; value: Parameters<typeof valueFromASTUntyped>[0] }[] }) {
  const args: Record<string, unknown> = {};
  for (const argument of directive.arguments ?? []) args[argument.name.value] = valueFromASTUntyped(argument.value);
  return args;
}

/** `join__Graph` enum values to subgraph names (`CATALOGUE` → `catalogue`). */
function joinGraphNames(supergraph: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
      const name = graph ? argumentsOf(graph).name : undefined;
      if (typeof name === 'string') names.set(value.name.value, name);
    }
  }
  return names;
}

/** The name the supergraph's `@link` of the feature gives the directive, or undefined when no subgraph links it. */
function linkedName(supergraph: DocumentNode): string | undefined {
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const args = argumentsOf(directive);
      if (!ENTITY_CACHE_URL.test(String(args.url ?? ''))) continue;
      for (const entry of Array.isArray(args.import) ? args.import : []) {
        if (entry === '@entityCache') return 'entityCache';
        if (typeof entry === 'object' && entry !== null && (entry as { name?: unknown }).name === '@entityCache') {
          const alias = (entry as { as?: unknown }).as;
          return typeof alias === 'string' ? alias.replace(/^@/, '') : 'entityCache';
        }
      }
      return typeof args.as === 'string' ? args.as : 'entityCache';
    }
  }
  return undefined;
}
