import { buildSchema } from 'graphql';
import { documentIdOf, MAX_DOCUMENTS_PER_MANIFEST, readManifest, validateManifest } from './trusted-documents.ts';

const schema = buildSchema('type Query { product(id: ID!): Product } type Product { id: ID! name: String! }');
const manifestOf = (...documents: string[]) => Object.fromEntries(documents.map((document) => [documentIdOf(document), document]));

describe('a trusted documents manifest', () => {
  it('is an object of sha256 ids to the documents they hash', () => {
    const manifest = manifestOf('query A { product(id: "1") { id } }');
    expect(readManifest(manifest)).toEqual({ manifest, problems: [] });
    expect(documentIdOf('{ a }')).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each([
    ['an array', [], 'a manifest is a JSON object'],
    ['null', null, 'a manifest is a JSON object'],
    ['empty', {}, 'holds no documents'],
  ])('is refused when it is %s', (_, value, reason) => {
    const read = readManifest(value);
    expect(read.manifest).toBeNull();
    expect(read.problems[0]!.message).toContain(reason);
  });

  it('names every entry whose id is malformed, whose id is not its hash, or whose document is not text', () => {
    const good = 'query Good { product(id: "1") { id } }';
    const read = readManifest({
      'md5:abc': good,
      [documentIdOf(good)]: `${good}\n`,
      [documentIdOf('x')]: 42,
      [`sha256:${'a'.repeat(5000)}`]: good,
    });
    expect(read.problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('"sha256:" and 64 lowercase hex digits'),
      expect.stringContaining('not the SHA-256 of its document'),
      'a document is a non-empty string of GraphQL',
      expect.stringContaining('(5007 characters)'),
    ]);
    // An id too long to repeat is quoted as an excerpt, not echoed.
    expect(read.problems[3]!.documentId!.length).toBeLessThan(100);
  });

  it(`holds at most ${MAX_DOCUMENTS_PER_MANIFEST} documents`, () => {
    const many = Object.fromEntries(Array.from({ length: MAX_DOCUMENTS_PER_MANIFEST + 1 }, (_, i) => [`k${i}`, 'x']));
    expect(readManifest(many).problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining(`at most ${MAX_DOCUMENTS_PER_MANIFEST}`) }),
    ]);
  });

  it('validates each document against the schema, naming the operation, and wants exactly one operation per document', () => {
    const problems = validateManifest(
      manifestOf('query Fine { product(id: "1") { name } }', 'query Gone { product(id: "1") { price } }', '{ a } { b }', 'query Bad {'),
      schema,
    );
    expect(problems.map(({ operation, message }) => [operation, message])).toEqual([
      ['Gone', 'Cannot query field "price" on type "Product".'],
      ['(anonymous), (anonymous)', 'holds 2 operations; a trusted document holds exactly one'],
      [null, expect.stringContaining('does not parse')],
    ]);
  });
});
