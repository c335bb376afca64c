import { buildSchema, graphql } from 'graphql';
import { MAX_MESSAGE_CHARACTERS } from './excerpt.ts';
import { guardMutationText, MAX_TEXT_CHARACTERS } from './text-guard.ts';

const SDL = (codes: string) => `
  type Query { ok: Boolean }
  enum Code { INVALID_VALUE ${codes} }
  type UserError { code: Code! field: String message: String! }
  type Payload { saved: String userErrors: [UserError!]! }
  input NoteInput { title: String! lines: [String!]! document: String }
  type Mutation { save(input: NoteInput!): Payload! plain(text: String!): Boolean }
`;

/** A schema whose resolvers record every call, so a test sees whether the guard let one through. */
function guarded(codes = 'INVALID_TEXT TEXT_TOO_LONG', longText = {}) {
  const calls: string[] = [];
  const schema = buildSchema(SDL(codes));
  const fields = schema.getMutationType()!.getFields();
  fields.save!.resolve = (_source, args: { input: { title: string } }) => {
    calls.push(args.input.title);
    // A domain message that quotes a whole value, as one that forgot excerpt.ts would.
    if (args.input.title.startsWith('quote:')) {
      return { saved: null, userErrors: [{ code: 'INVALID_VALUE', field: 'input.title', message: `no such note ${args.input.title}` }] };
    }
    return { saved: args.input.title, userErrors: [] };
  };
  fields.plain!.resolve = () => {
    calls.push('plain');
    return true;
  };
  return { schema: guardMutationText(schema, longText), calls };
}

const save = (schema: ReturnType<typeof guarded>['schema'], input: Record<string, unknown>) =>
  graphql({
    schema,
    source: 'mutation ($input: NoteInput!) { save(input: $input) { saved userErrors { code field message } } }',
    variableValues: { input: { title: 'Note', lines: [], ...input } },
  });

describe('the mutation text guard', () => {
  it('lets clean text through, tabs and line breaks included', async () => {
    const { schema, calls } = guarded();
    const result = await save(schema, { title: 'Li Wei', lines: ['line one\tcol\r\n', 'Ümlaut, 中文, emoji 🚗'] });
    expect(result.errors).toBeUndefined();
    expect(calls).toEqual(['Li Wei']);
  });

  it.each([
    ['NUL', '\u0000', 'U+0000'],
    ['escape', '\u001b', 'U+001B'],
    ['DEL', '\u007f', 'U+007F'],
    ['a C1 control', '\u0085', 'U+0085'],
    ['a right-to-left override', '\u202e', 'U+202E'],
    ['a first-strong isolate', '\u2068', 'U+2068'],
  ])('refuses %s deep in a list as INVALID_TEXT naming its path, without calling the resolver', async (_what, character, codePoint) => {
    const { schema, calls } = guarded();
    const result = await save(schema, { lines: ['fine', `bad${character}`] });
    expect(result.data?.save).toEqual({
      saved: null,
      userErrors: [
        {
          code: 'INVALID_TEXT',
          field: 'input.lines[1]',
          message: `input.lines[1] must not contain control or bidirectional-override characters; found ${codePoint} at position 3`,
        },
      ],
    });
    expect(calls).toEqual([]);
  });

  it('refuses text past the bound as TEXT_TOO_LONG, unless the subgraph allows that argument more', async () => {
    const long = 'x'.repeat(MAX_TEXT_CHARACTERS + 1);
    const strict = guarded();
    const refused = await save(strict.schema, { document: long });
    expect(refused.data?.save).toEqual({
      saved: null,
      userErrors: [
        { code: 'TEXT_TOO_LONG', field: 'input.document', message: `input.document must have at most 4096 characters; received 4097` },
      ],
    });
    expect(strict.calls).toEqual([]);
    const lenient = guarded(undefined, { 'save:input.document': 10_000 });
    expect((await save(lenient.schema, { document: long })).data?.save).toEqual({ saved: 'Note', userErrors: [] });
    expect((await save(lenient.schema, { title: long })).data?.save).toMatchObject({
      userErrors: [{ code: 'TEXT_TOO_LONG', field: 'input.title' }],
    });
  });

  it("cuts a domain's user-error message that quotes too much, and leaves short ones as they are", async () => {
    const { schema } = guarded();
    const long = await save(schema, { title: `quote:${'y'.repeat(4000)}` });
    expect(long.data?.save).toEqual({
      saved: null,
      userErrors: [
        {
          code: 'INVALID_VALUE',
          field: 'input.title',
          message: expect.stringMatching(/^no such note quote:y+\.\.\. \(message cut from 4019 characters\)$/),
        },
      ],
    });
    expect((long.data!.save as { userErrors: { message: string }[] }).userErrors[0]!.message.length).toBeLessThanOrEqual(
      MAX_MESSAGE_CHARACTERS + 60,
    );
    const short = await save(schema, { title: 'quote:x' });
    expect(short.data?.save).toEqual({
      saved: null,
      userErrors: [{ code: 'INVALID_VALUE', field: 'input.title', message: 'no such note quote:x' }],
    });
  });

  it('answers a mutation without user errors with BAD_USER_INPUT naming the field', async () => {
    const { schema, calls } = guarded();
    const result = await graphql({ schema, source: 'mutation { plain(text: "a\\u0000b") }' });
    expect(result.errors?.map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: 'text' }]);
    expect(calls).toEqual([]);
  });

  it("refuses, when the schema is built, a payload whose code enum lacks the guard's codes", () => {
    expect(() => guarded('INVALID_TEXT')).toThrow("Mutation.save's user-error codes lack TEXT_TOO_LONG");
  });
});
