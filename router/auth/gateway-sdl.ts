import { type DocumentNode, type NameNode, print, visit } from 'graphql';
import { linkedSecurityFeatures, securityFeatureOfLink } from '../../platform/auth/security-features.ts';

/**
 * The supergraph as @apollo/gateway can load it.
 *
 * The gateway refuses any feature linked `for: SECURITY` that it does not
 * implement, and it implements none: loading our supergraph fails with
 * "feature https://specs.apollo.dev/authenticated/v0.1 is for: SECURITY but is
 * unsupported" (checked with @apollo/gateway 2.14.4; see gateway-sdl.spec.ts).
 * The router enforces `@authenticated` and `@requiresScopes` itself, from the
 * original SDL (platform/auth/requirements.ts, enforce-plugin.ts), so the gateway gets a copy
 * without those two links, their directive definitions, their uses and their
 * namespaced types (`requiresScopes__Scope`). The gateway never needed them: its
 * query plans do not depend on authorization.
 *
 * Only the features the router enforces are removed. Any other security
 * feature (`@policy`, say) stays, so the gateway still refuses to serve a graph
 * whose rules nobody would enforce.
 */
export function supergraphForGateway(supergraph: DocumentNode): string {
  const features = linkedSecurityFeatures(supergraph);
  if (features.length === 0) return print(supergraph);
  const directiveNames = new Set(features.map((linked) => linked.directiveName));
  const namespaces = features.map((linked) => `${linked.namespace}__`);
  const removeIfNamespaced = (node: { name: NameNode }) =>
    namespaces.some((prefix) => node.name.value.startsWith(prefix)) ? null : undefined;

  const stripped = visit(supergraph, {
    Directive(node) {
      if (directiveNames.has(node.name.value) || (node.name.value === 'link' && securityFeatureOfLink(node))) return null;
      return undefined;
    },
    DirectiveDefinition(node) {
      return directiveNames.has(node.name.value) ? null : undefined;
    },
    ScalarTypeDefinition: removeIfNamespaced,
    EnumTypeDefinition: removeIfNamespaced,
    InputObjectTypeDefinition: removeIfNamespaced,
    ObjectTypeDefinition: removeIfNamespaced,
  });
  return print(stripped);
}
