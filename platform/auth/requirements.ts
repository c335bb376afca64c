import {
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type EnumTypeExtensionNode,
  type FieldDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
  Kind,
  type NamedTypeNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type ScalarTypeDefinitionNode,
  type ScalarTypeExtensionNode,
  type TypeNode,
} from 'graphql';
import { type FieldRequirement, requirementOf } from './schema-auth.ts';
import { linkedSecurityFeatures } from './security-features.ts';

/** `Type.field` -> what a caller needs to select that field; fields without a requirement are absent. */
export type RequirementMap = ReadonlyMap<string, FieldRequirement>;

/**
 * Reads `@authenticated` and `@requiresScopes` from the composed supergraph
 * (not from the gateway's API schema, which drops them) into one requirement
 * per field coordinate. A field's requirement is everything that applies to it,
 * all of which must hold:
 * - the directives on the field itself;
 * - those on the type that declares it (as the owning subgraph enforces them,
 *   see `enforceAuthDirectives` in the kit);
 * - those on the type it returns, which is how a directive on a scalar or an
 *   enum takes effect (Apollo's router semantics).
 * Composition (Federation 2.9+) already copies an implementation's requirements
 * onto its interface, so selecting `Interface.field` carries the strictest of them.
 */
export function buildRequirementMap(supergraph: DocumentNode): RequirementMap {
  const canonical = new Map(linkedSecurityFeatures(supergraph).map((linked) => [linked.directiveName, linked.feature]));
  const requirementOfDirectives = (directives: readonly ConstDirectiveNode[]) =>
    requirementOf(
      directives.flatMap((directive) => {
        const feature = canonical.get(directive.name.value);
        // The kit reads the canonical names; a renamed import is read under its canonical name.
        return feature ? [{ ...directive, name: { ...directive.name, value: feature } }] : [];
      }),
    );

  const typeDirectives = new Map<string, ConstDirectiveNode[]>();
  const typeFields: { typeName: string; field: FieldDefinitionNode }[] = [];
  for (const definition of supergraph.definitions) {
    if (!canCarryRequirements(definition)) continue;
    const typeName = definition.name.value;
    typeDirectives.set(typeName, [...(typeDirectives.get(typeName) ?? []), ...(definition.directives ?? [])]);
    if ('fields' in definition) for (const field of definition.fields ?? []) typeFields.push({ typeName, field });
  }
  const typeRequirement = (name: string) => requirementOfDirectives(typeDirectives.get(name) ?? []);

  const requirements = new Map<string, FieldRequirement>();
  for (const { typeName, field } of typeFields) {
    const requirement = allOf([
      requirementOfDirectives(field.directives ?? []),
      typeRequirement(typeName),
      typeRequirement(innermostType(field.type).name.value),
    ]);
    if (requirement) requirements.set(`${typeName}.${field.name.value}`, requirement);
  }
  return requirements;
}

/**
 * Requirements that must all hold, as one. Scopes are alternatives (OR) of
 * sets (AND), so "(a1 or a2) and (b1 or b2)" becomes every a_i joined with
 * every b_j; an alternative that contains another one is dropped, since the
 * smaller one already suffices.
 */
export function allOf(requirements: readonly (FieldRequirement | null)[]): FieldRequirement | null {
  let combined: FieldRequirement | null = null;
  for (const requirement of requirements) {
    if (!requirement) continue;
    if (!combined) {
      combined = { authenticated: requirement.authenticated, scopes: requirement.scopes && simplest(requirement.scopes) };
      continue;
    }
    const left: string[][] | null = combined.scopes;
    const right: string[][] | null = requirement.scopes;
    const scopes: string[][] | null = left && right ? simplest(left.flatMap((a) => right.map((b) => [...a, ...b]))) : (left ?? right);
    combined = { authenticated: combined.authenticated || requirement.authenticated, scopes };
  }
  return combined;
}

function simplest(alternatives: readonly (readonly string[])[]): string[][] {
  const sets = alternatives.map((all) => [...new Set(all)]);
  const contains = (outer: string[], inner: string[]) => inner.every((scope) => outer.includes(scope));
  return sets.filter(
    (candidate, index) =>
      !sets.some(
        (other, otherIndex) =>
          otherIndex !== index && contains(candidate, other) && (other.length < candidate.length || otherIndex < index),
      ),
  );
}

type AuthorizableType =
  | ObjectTypeDefinitionNode
  | ObjectTypeExtensionNode
  | InterfaceTypeDefinitionNode
  | InterfaceTypeExtensionNode
  | ScalarTypeDefinitionNode
  | ScalarTypeExtensionNode
  | EnumTypeDefinitionNode
  | EnumTypeExtensionNode;

/** The definitions `@authenticated` and `@requiresScopes` may be applied to (FIELD_DEFINITION aside). */
function canCarryRequirements(definition: DefinitionNode): definition is AuthorizableType {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_EXTENSION ||
    definition.kind === Kind.SCALAR_TYPE_DEFINITION ||
    definition.kind === Kind.SCALAR_TYPE_EXTENSION ||
    definition.kind === Kind.ENUM_TYPE_DEFINITION ||
    definition.kind === Kind.ENUM_TYPE_EXTENSION
  );
}

function innermostType(type: TypeNode): NamedTypeNode {
  return type.kind === Kind.NAMED_TYPE ? type : innermostType(type.type);
}
