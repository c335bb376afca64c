import { type DocumentNode, GraphQLError, type GraphQLSchema, Kind, type OperationDefinitionNode } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import type { OperationLimitSettings } from '../config.ts';
import { measureOperation, type OperationSize } from './operation-cost.ts';

export type OperationMeasure = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
) => OperationSize;

/** The limits one caller's operations are held to. */
export type OperationLimits = Omit<OperationLimitSettings, 'partnerCostLimits'>;

/**
 * The configured limits, with a partner key's own cost limit when it has one: the one stored with
 * the key (`maxQueryCost`, set by staff through the API) first, else its PARTNER_QUERY_COST_LIMITS
 * entry, else MAX_QUERY_COST.
 */
export function limitsFor(settings: OperationLimitSettings, identity: Identity): OperationLimits {
  const { partnerCostLimits, ...limits } = settings;
  const own =
    identity.kind === 'partner' && identity.subject ? (identity.keyLimits?.maxQueryCost ?? partnerCostLimits[identity.subject]) : undefined;
  return own === undefined ? limits : { ...limits, maxCost: own };
}

/**
 * A refusal is a request error: nothing is executed, so there is no data,
 * and the status is 400 (Apollo Server takes `extensions.http` as the
 * response's status and removes it from what the client sees).
 */
function refusal(code: string, message: string, limit: number, received: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, received, http: { status: 400 } } });
}

/**
 * Checks operations against the limits, in the order a client fixes them
 * most easily: aliases, depth, page size, cost. Null when all fit. All the
 * operations of a document are checked when it is checked before validation:
 * the validator looks at every one of them, chosen or not.
 */
export function operationLimitRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operations: readonly OperationDefinitionNode[],
  variables: Readonly<Record<string, unknown>>,
  limits: OperationLimits,
  /** How an operation is measured; the plugin passes a remembering one (operation-memo.ts). */
  measure: OperationMeasure = (schema, document, operation, variables) => measureOperation(schema, document, operation, variables, limits),
): GraphQLError | null {
  for (const operation of operations) {
    const size = measure(schema, document, operation, variables);
    if (size.aliases > limits.maxAliases) {
      return refusal(
        'TOO_MANY_ALIASES',
        `an operation may use at most ${limits.maxAliases} aliases; this one uses ${size.aliases}`,
        limits.maxAliases,
        size.aliases,
      );
    }
    if (size.depth > limits.maxDepth) {
      return refusal(
        'QUERY_TOO_DEEP',
        `an operation may nest fields at most ${limits.maxDepth} deep; this one is ${size.depth} deep`,
        limits.maxDepth,
        size.depth,
      );
    }
    if (size.largestPage && size.largestPage.size > limits.maxPageSize) {
      return refusal(
        'PAGE_SIZE_TOO_LARGE',
        `first and last may ask for at most ${limits.maxPageSize} items; ${size.largestPage.field} asks for ${size.largestPage.size}`,
        limits.maxPageSize,
        size.largestPage.size,
      );
    }
    if (size.cost > limits.maxCost) {
      const cost = Number.isFinite(size.cost) ? Math.round(size.cost) : Number.MAX_SAFE_INTEGER;
      return refusal(
        'QUERY_TOO_COSTLY',
        `an operation may cost at most ${limits.maxCost}; this one costs ${cost} (each field 1, times the size of each list above it; ask for smaller pages)`,
        limits.maxCost,
        cost,
      );
    }
  }
  return null;
}

export type OperationLimitCheck = (
  identity: Identity,
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>>,
) => GraphQLError | null;

/** The check for a path that has a parsed document and no Apollo Server plugins (subscriptions): every operation in it. */
export function operationLimitCheck(settings: OperationLimitSettings): OperationLimitCheck {
  return (identity, schema, document, variables) =>
    operationLimitRefusal(schema, document, operationsOf(document), variables, limitsFor(settings, identity));
}

export function operationsOf(document: DocumentNode): OperationDefinitionNode[] {
  return document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}
