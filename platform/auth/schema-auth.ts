import { type ConstDirectiveNode, defaultFieldResolver, type GraphQLSchema, isObjectType, valueFromASTUntyped } from 'graphql';
import { forbidden, unauthenticated } from '../graphql/errors.ts';
import { type Identity, satisfiesScopes } from './identity.ts';

/**
 * What `@authenticated` and `@requiresScopes` (Federation 2.5) on a field or
 * its type demand. The router enforces these before execution; the subgraph
 * that owns the field checks them again (docs/architecture.md §4), so a mistake in one
 * place is not a hole.
 */
export type FieldRequirement = { authenticated: boolean; scopes: string[][] | null };

export function requirementOf(directives: readonly ConstDirectiveNode[] | undefined): FieldRequirement | null {
  let authenticated = false;
  let scopes: string[][] | null = null;
  for (const directive of directives ?? []) {
    if (directive.name.value === 'authenticated') authenticated = true;
    if (directive.name.value === 'requiresScopes') {
      const argument = directive.arguments?.find((arg) => arg.name.value === 'scopes');
      if (argument) scopes = [...(scopes ?? []), ...(valueFromASTUntyped(argument.value) as string[][])];
    }
  }
  return authenticated || scopes ? { authenticated, scopes } : null;
}

/** Throws the error a caller without what `requirement` asks for must get. */
export function assertAllowed(identity: Identity, requirement: FieldRequirement, coordinate: string): void {
  if (requirement.scopes && !satisfiesScopes(identity, requirement.scopes)) {
    const wanted = requirement.scopes.map((all) => all.join(' and ')).join(', or ');
    const held = identity.kind === 'anonymous' ? 'the request carries no credentials' : `the caller holds [${identity.scopes.join(', ')}]`;
    throw forbidden(`${coordinate} requires the scope ${wanted}; ${held}`);
  }
  if (requirement.authenticated && identity.kind === 'anonymous') {
    throw unauthenticated(`${coordinate} requires a signed-in caller`);
  }
}

/**
 * Wraps the resolver of every field whose definition (or whose type's
 * definition) carries an auth directive, in place, so the check runs before
 * the field's own resolver.
 */
export function enforceAuthDirectives(schema: GraphQLSchema, identityOf: (context: unknown) => Identity): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeRequirement = requirementOf(type.astNode?.directives);
    for (const field of Object.values(type.getFields())) {
      const requirement = merge(typeRequirement, requirementOf(field.astNode?.directives));
      if (!requirement) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const coordinate = `${type.name}.${field.name}`;
      field.resolve = (source, args, context, info) => {
        assertAllowed(identityOf(context), requirement, coordinate);
        return resolve(source, args, context, info);
      };
      // A subscription is refused when it starts, not at its first event.
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (source, args, context, info) => {
          assertAllowed(identityOf(context), requirement, coordinate);
          return subscribe(source, args, context, info);
        };
      }
    }
  }
  return schema;
}

function merge(a: FieldRequirement | null, b: FieldRequirement | null): FieldRequirement | null {
  if (!a) return b;
  if (!b) return a;
  // Both must hold: (a1 or a2) and (b1 or b2) = every a_i joined with every b_j.
  const scopes =
    a.scopes && b.scopes ? a.scopes.flatMap((left) => b.scopes?.map((right) => [...left, ...right]) ?? []) : (a.scopes ?? b.scopes);
  return { authenticated: a.authenticated || b.authenticated, scopes };
}
