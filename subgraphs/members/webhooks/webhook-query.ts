import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DocumentNode, GraphQLError, getOperationAST, parse, validate } from 'graphql';
import { buildRequirementMap, type RequirementMap } from '../../../platform/auth/requirements.ts';
import { assertAllowed } from '../../../platform/auth/schema-auth.ts';
import { selectedFieldCoordinates } from '../../../platform/auth/selected-fields.ts';
import { publicApiSchema } from '../documents/trusted-documents.ts';

/**
 * A webhook's query, checked as the router checks a subscribe (validated
 * against the public API schema of this release, authorized field by field
 * against the supergraph's `@requiresScopes`/`@authenticated`), but stricter:
 * every selected field must be allowed to the key, since nobody is there to
 * receive a field-by-field refusal. The router checks it again before each
 * subscribe and each attempt (router/webhooks/).
 */
export const MAX_QUERY_CHARACTERS = 4000;

export type QueryProblem = {
  code: 'INVALID_WEBHOOK_QUERY' | 'WEBHOOK_QUERY_NOT_SUBSCRIPTION' | 'WEBHOOK_QUERY_FORBIDDEN' | 'WEBHOOK_QUERY_TOO_LONG';
  message: string;
};

const SUPERGRAPH_FILE = join(import.meta.dirname, '..', '..', '..', 'schema', 'supergraph.graphql');
let requirements: RequirementMap | undefined;
const supergraphRequirements = () => {
  requirements ??= buildRequirementMap(parse(readFileSync(SUPERGRAPH_FILE, 'utf8')));
  return requirements;
};

export function checkWebhookQuery(query: string, scopes: readonly string[]): QueryProblem | undefined {
  if (query.length > MAX_QUERY_CHARACTERS) {
    return {
      code: 'WEBHOOK_QUERY_TOO_LONG',
      message: `a webhook's query has at most ${MAX_QUERY_CHARACTERS} characters; received ${query.length}`,
    };
  }
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { code: 'INVALID_WEBHOOK_QUERY', message: `the query does not parse: ${(error as Error).message}` };
  }
  const schema = publicApiSchema();
  const invalid = validate(schema, document);
  if (invalid.length > 0) return { code: 'INVALID_WEBHOOK_QUERY', message: `the query does not validate: ${invalid[0]!.message}` };
  const operation = getOperationAST(document);
  if (!operation) return { code: 'INVALID_WEBHOOK_QUERY', message: 'the query must hold exactly one operation' };
  if (operation.operation !== 'subscription') {
    return { code: 'WEBHOOK_QUERY_NOT_SUBSCRIPTION', message: `the query must be a subscription; received a ${operation.operation}` };
  }
  if ((operation.variableDefinitions ?? []).length > 0) {
    return { code: 'INVALID_WEBHOOK_QUERY', message: 'a webhook runs without variables: write the values into the query' };
  }
  const identity = { kind: 'partner' as const, subject: null, scopes };
  const rules = supergraphRequirements();
  for (const coordinate of selectedFieldCoordinates(schema, document, operation, {})) {
    const requirement = rules.get(coordinate);
    if (!requirement) continue;
    try {
      assertAllowed(identity, requirement, coordinate);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return { code: 'WEBHOOK_QUERY_FORBIDDEN', message: `the key may not select ${coordinate}: ${error.message}` };
    }
  }
  return undefined;
}
