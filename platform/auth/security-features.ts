import { type DirectiveNode, type DocumentNode, Kind, valueFromASTUntyped } from 'graphql';

/**
 * The authorization features of Federation 2.5 as a composed supergraph links
 * them: `@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)`
 * and the same for `requiresScopes`. Composition keeps a subgraph's renaming
 * (`import: [{ name: "@authenticated", as: "@signedIn" }]`), so the directive's
 * local name is read from the link rather than assumed.
 */
export type SecurityFeatureName = 'authenticated' | 'requiresScopes';

export type LinkedSecurityFeature = {
  feature: SecurityFeatureName;
  /** The directive's name in this schema, without `@`. */
  directiveName: string;
  /** Prefix of the feature's other definitions, such as `requiresScopes__Scope`. */
  namespace: string;
  /** The `@link` that brings the feature in. */
  link: DirectiveNode;
};

const FEATURE_URL = /^https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes)\/v\d+\.\d+$/;

export function linkedSecurityFeatures(document: DocumentNode): LinkedSecurityFeature[] {
  const features: LinkedSecurityFeature[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      const feature = securityFeatureOfLink(directive);
      if (feature) features.push(feature);
    }
  }
  return features;
}

export function securityFeatureOfLink(directive: DirectiveNode): LinkedSecurityFeature | null {
  if (directive.name.value !== 'link') return null;
  const argument = (name: string) => {
    const found = directive.arguments?.find((arg) => arg.name.value === name);
    return found ? valueFromASTUntyped(found.value) : undefined;
  };
  const match = FEATURE_URL.exec(String(argument('url') ?? ''));
  if (!match) return null;
  const feature = match[1] as SecurityFeatureName;
  const namespace = typeof argument('as') === 'string' ? (argument('as') as string) : feature;
  return { feature, directiveName: importedName(argument('import'), feature) ?? namespace, namespace, link: directive };
}

/** The local name under which `import` brings in the feature's directive, if it imports it at all. */
function importedName(imports: unknown, feature: SecurityFeatureName): string | undefined {
  if (!Array.isArray(imports)) return undefined;
  for (const entry of imports) {
    if (entry === `@${feature}`) return feature;
    if (typeof entry === 'object' && entry !== null && (entry as { name?: unknown }).name === `@${feature}`) {
      const alias = (entry as { as?: unknown }).as;
      return typeof alias === 'string' ? alias.replace(/^@/, '') : feature;
    }
  }
  return undefined;
}
