import { defaultFieldResolver, GraphQLError, type GraphQLSchema, getNamedType, isObjectType } from 'graphql';

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

export type UnsafeText = { field: string; codePoint: string; position: number };

/** The first string in `value` (at any depth) holding an unsafe character, with its input path such as `input.lines[0].note`. */
export function findUnsafeText(value: unknown, path: string): UnsafeText | null {
  if (typeof value === 'string') {
    const match = UNSAFE_CHARACTER.exec(value);
    if (!match) return null;
    const codePoint = `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return { field: path, codePoint, position: match.index };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafeText(item, `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnsafeText(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Checks every mutation's arguments before its resolver runs, so no domain
 * can forget to: the first unsafe text is answered as the payload's user
 * error (`INVALID_VALUE`, every domain has it, naming the field) and nothing
 * is written; a mutation without `userErrors` in its payload gets a
 * BAD_USER_INPUT error instead. Queries store nothing and are left alone.
 */
export function guardMutationText(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  for (const field of Object.values(mutation.getFields())) {
    const resolve = field.resolve ?? defaultFieldResolver;
    const payload = getNamedType(field.type);
    const hasUserErrors = isObjectType(payload) && 'userErrors' in payload.getFields();
    field.resolve = (source, args, context, info) => {
      const unsafe = findUnsafeText(args, '');
      if (!unsafe) return resolve(source, args, context, info);
      const message = `${unsafe.field} must not contain control or bidirectional-override characters; found ${unsafe.codePoint} at position ${unsafe.position}`;
      if (hasUserErrors) return { userErrors: [{ code: 'INVALID_VALUE', field: unsafe.field, message }] };
      throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field: unsafe.field } });
    };
  }
  return schema;
}
