import type { GraphQLSchema } from 'graphql';
import type { Counter } from './metrics.ts';
import { codeLabel } from './observability.ts';

/**
 * Counts the refusals mutations answer in their payload's `userErrors`
 * (platform/graphql/user-errors.ts): stock that would be oversold, a callback
 * amount that differs, a stale version. They are answers, not GraphQL errors,
 * so graphql_errors_total never sees them. Each Mutation field's resolver is
 * wrapped, so what counts is what the resolver returned, whatever the caller
 * selected. Labels: the mutation field (bounded by the schema) and the code.
 */
export function countUserErrors(schema: GraphQLSchema, counter: Counter): void {
  for (const [name, field] of Object.entries(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = async (source, args, context, info) => {
      const result = await resolve(source, args, context, info);
      for (const error of userErrorsOf(result)) counter.inc({ mutation: name, code: codeLabel(error?.code) });
      return result;
    };
  }
}

function userErrorsOf(result: unknown): readonly { code?: unknown }[] {
  if (typeof result !== 'object' || result === null) return [];
  const errors = (result as { userErrors?: unknown }).userErrors;
  return Array.isArray(errors) ? errors : [];
}
