import { defaultFieldResolver, GraphQLError, type GraphQLSchema, getNamedType, isEnumType, isObjectType } from 'graphql';
import { capMessage } from './excerpt.ts';

/**
 * Text that reaches storage never carries control characters (NUL and the
 * other C0 and C1 codes, DEL; tab, line feed and carriage return are allowed
 * for free text such as addresses and notes) or bidirectional overrides and
 * isolates (U+202A-U+202E, U+2066-U+2069), which make a name or an address
 * display as something other than what is stored ("Trojan Source"), and NUL
 * breaks SQL text and C-string consumers downstream.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this expression's purpose.
const UNSAFE_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/**
 * The most characters any text argument of a mutation may have, unless its
 * subgraph allows a document more (`longText`). Fields have tighter rules of
 * their own (a name 120, a description 4,000); this bounds what any field,
 * including one without a rule, can ever store.
 */
export const MAX_TEXT_CHARACTERS = 4096;

/** The codes every domain's user-error enum carries for these two refusals. */
export const TEXT_CODES = { invalid: 'INVALID_TEXT', tooLong: 'TEXT_TOO_LONG' } as const;

export type TextProblem = { code: (typeof TEXT_CODES)[keyof typeof TEXT_CODES]; field: string; message: string };

/**
 * Longer limits for named arguments, keyed `mutationField:input.path` (e.g. `reconcileStatement:input.statementCsv`),
 * with `[]` for any index of a list.
 */
export type LongTextLimits = Readonly<Record<string, number>>;

const codePointOf = (character: string) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first string in `value` (at any depth) that is too long or holds an unsafe character, with its input path such as `input.lines[0].note`. */
export function findTextProblem(
  value: unknown,
  path: string,
  maxFor: (path: string) => number = () => MAX_TEXT_CHARACTERS,
): TextProblem | null {
  if (typeof value === 'string') {
    const max = maxFor(path);
    if (value.length > max) {
      return { code: TEXT_CODES.tooLong, field: path, message: `${path} must have at most ${max} characters; received ${value.length}` };
    }
    const match = UNSAFE_CHARACTER.exec(value);
    if (!match) return null;
    return {
      code: TEXT_CODES.invalid,
      field: path,
      message: `${path} must not contain control or bidirectional-override characters; found ${codePointOf(match[0])} at position ${match.index}`,
    };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findTextProblem(item, `${path}[${index}]`, maxFor);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findTextProblem(item, path ? `${path}.${key}` : key, maxFor);
      if (found) return found;
    }
  }
  return null;
}

/** The enum a payload's `userErrors.code` is drawn from, or null when the payload has no user errors. */
function userErrorCodes(schema: GraphQLSchema, mutation: string): Set<string> | null {
  const payload = getNamedType(schema.getMutationType()!.getFields()[mutation]!.type);
  if (!isObjectType(payload) || !('userErrors' in payload.getFields())) return null;
  const userError = getNamedType(payload.getFields().userErrors!.type);
  const code = isObjectType(userError) ? userError.getFields().code : undefined;
  const codes = code ? getNamedType(code.type) : undefined;
  return new Set(isEnumType(codes) ? codes.getValues().map((value) => value.name) : []);
}

type PayloadWithUserErrors = { userErrors?: { message?: unknown }[] } | null | undefined;

const tooLong = (userError: { message?: unknown }) =>
  typeof userError.message === 'string' && capMessage(userError.message) !== userError.message;

/** The payload with every user error's message cut like any error message (excerpt.ts), whatever a domain put in it; untouched when none is too long. */
async function withShortMessages(payload: unknown): Promise<unknown> {
  const resolved = (await payload) as PayloadWithUserErrors;
  if (!resolved?.userErrors?.some(tooLong)) return resolved;
  const userErrors = resolved.userErrors.map((userError) =>
    tooLong(userError) ? { ...userError, message: capMessage(userError.message as string) } : userError,
  );
  return { ...resolved, userErrors };
}

/**
 * Checks every mutation's arguments before its resolver runs, so no domain
 * can forget to: the first text that is too long (`TEXT_TOO_LONG`) or holds
 * an unsafe character (`INVALID_TEXT`) is answered as the payload's user
 * error naming the field, and the resolver (so every write) never runs. A
 * mutation without `userErrors` in its payload gets a BAD_USER_INPUT error
 * instead. The user errors a resolver returns are cut to the length of any
 * error message, the last resort for a domain message that quotes too much.
 * Queries store nothing and are left alone. A payload whose code
 * enum lacks the two codes is refused when the schema is built, not when a
 * caller first sends bad text.
 */
export function guardMutationText(schema: GraphQLSchema, longText: LongTextLimits = {}): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  for (const [name, field] of Object.entries(mutation.getFields())) {
    const resolve = field.resolve ?? defaultFieldResolver;
    const codes = userErrorCodes(schema, name);
    const missing = Object.values(TEXT_CODES).filter((code) => codes && !codes.has(code));
    if (missing.length > 0) throw new Error(`Mutation.${name}'s user-error codes lack ${missing.join(' and ')}`);
    // A limit for every entry of a list is keyed with `[]` (`publishTrustedDocuments:input.documents[].document`).
    const maxFor = (path: string) =>
      longText[`${name}:${path}`] ?? longText[`${name}:${path.replace(/\[\d+\]/g, '[]')}`] ?? MAX_TEXT_CHARACTERS;
    field.resolve = (source, args, context, info) => {
      const problem = findTextProblem(args, '', maxFor);
      if (!problem) return codes ? withShortMessages(resolve(source, args, context, info)) : resolve(source, args, context, info);
      if (codes) return { userErrors: [problem] };
      throw new GraphQLError(problem.message, { extensions: { code: 'BAD_USER_INPUT', field: problem.field } });
    };
  }
  return schema;
}
