import { buildSchema, type OperationDefinitionNode, parse } from 'graphql';
import { selectedFieldCoordinates } from './auth/selected-fields.ts';
import { perOperation } from './operation-memo.ts';

const schema = buildSchema('type Query { a: Int, b: Int }');
const document = parse('query Q($withB: Boolean!) { a b @include(if: $withB) }');
const operation = document.definitions[0] as OperationDefinitionNode;

describe('results remembered per operation', () => {
  it('computes once per schema, operation and variable set, and again for other variables or another schema', () => {
    let computed = 0;
    const fields = perOperation((...args: Parameters<typeof selectedFieldCoordinates>) => {
      computed++;
      return selectedFieldCoordinates(...args);
    });
    expect(fields(schema, document, operation, { withB: true })).toEqual(['Query.a', 'Query.b']);
    expect(fields(schema, document, operation, { withB: true })).toEqual(['Query.a', 'Query.b']);
    expect(computed).toBe(1);
    // Variables change what is selected, so they are part of the key.
    expect(fields(schema, document, operation, { withB: false })).toEqual(['Query.a']);
    expect(computed).toBe(2);
    // A reloaded supergraph is another schema: nothing carries over.
    const reloaded = buildSchema('type Query { a: Int, b: Int }');
    expect(fields(reloaded, document, operation, { withB: true })).toEqual(['Query.a', 'Query.b']);
    expect(computed).toBe(3);
  });

  it('answers correctly when variables never repeat (its memory starts over past 64 sets instead of growing)', () => {
    let computed = 0;
    const measure = perOperation((_schema, _document, _operation, variables) => {
      computed++;
      return variables.n;
    });
    for (let n = 0; n < 1_000; n++) expect(measure(schema, document, operation, { n })).toBe(n);
    expect(computed).toBe(1_000);
  });
});
