import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { quoted } from './excerpt.ts';

/**
 * `Decimal`: an exact decimal as a string ("129.90"), so amounts never pass
 * through a float on either side. `DateTime`: ISO 8601 in UTC.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw invalid(`Decimal must be a string such as "129.90"; received ${quoted(value)}`);
  }
  return value;
}

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string, such as "129.90".',
  serialize: (value) => parseDecimal(value),
  parseValue: parseDecimal,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING) throw invalid('Decimal literals must be strings such as "129.90"');
    return parseDecimal(ast.value);
  },
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(`DateTime must be an ISO 8601 string such as "2026-11-01T00:00:00Z"; received ${quoted(value)}`);
  }
  return new Date(value);
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant as an ISO 8601 string in UTC, such as "2026-11-01T00:00:00.000Z".',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string | number);
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${quoted(value)}`);
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime literals must be strings');
    return parseDateTime(ast.value);
  },
});

/** Resolvers for the shared scalars; every subgraph that declares them spreads this in. */
export const scalarResolvers = { Decimal: DecimalScalar, DateTime: DateTimeScalar };
